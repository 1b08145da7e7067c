using EdgeJobs.Coordinator.Ledger;

namespace EdgeJobs.Coordinator.Campaigns;

/// <summary>A dataset's entries as records, in path order (the index's order), filtered by a glob.</summary>
internal sealed class DatasetListing(JobLedger ledger, string org, string dataset, string? glob) : CatalogSource
{
    private readonly PathGlob _glob = new(glob);

    public override async Task<CatalogPage> ReadAsync(long startPosition, int maxRecords, CancellationToken cancellation)
    {
        var (owner, name) = Split(dataset, org);
        if (await ledger.GetDatasetAsync(owner, name).ConfigureAwait(false) is null)
        {
            throw new CatalogException("catalog_not_found", $"dataset '{dataset}' does not exist");
        }

        var records = new List<CatalogRecord>(Math.Min(maxRecords, 10_000));
        var position = 0L;
        string? after = null;
        var prefix = _glob.Prefix;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var page = await ledger.ListEntriesAsync(new EntryQuery(owner, name, prefix, null, after, 1000)).ConfigureAwait(false);
            foreach (var entry in page.Entries)
            {
                if (!_glob.Matches(entry.Path))
                {
                    continue;
                }

                position++;
                if (position < startPosition)
                {
                    continue;
                }

                if (records.Count == maxRecords)
                {
                    return new CatalogPage(records, null, startPosition + records.Count); // one more exists
                }

                records.Add(new CatalogRecord(entry.Path, entry.Path, $"/v1/datasets/{owner}/{name}/files/{entry.Path}", null));
            }

            if (page.NextAfter is null)
            {
                return new CatalogPage(records, position, null);
            }

            after = page.NextAfter;
        }
    }

    /// <summary><c>org/name</c>, or a bare name in the campaign's org.</summary>
    internal static (string Org, string Name) Split(string dataset, string org)
    {
        var slash = dataset.IndexOf('/');
        return slash < 0 ? (org, dataset) : (dataset[..slash], dataset[(slash + 1)..]);
    }
}
