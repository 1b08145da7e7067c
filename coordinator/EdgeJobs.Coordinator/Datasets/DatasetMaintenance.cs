using EdgeJobs.Coordinator.Ledger;

namespace EdgeJobs.Coordinator.Datasets;

/// <summary>
/// What dataset tools (rescan-index, archive-extract, bulk-download) may do to the coordinator's datasets, for the
/// agent in the coordinator's process, which runs them where the files are: read the tree and the index, and change
/// them with every write fenced by the job's lease. Agents elsewhere never get these tools.
/// </summary>
public sealed class DatasetMaintenance
{
    private readonly JobLedger _ledger;
    private readonly DatasetStore _store;
    private readonly DatasetIndexer _indexer;

    internal DatasetMaintenance(JobLedger ledger, DatasetStore store, IRasterInspector? inspector)
    {
        _ledger = ledger;
        _store = store;
        Inspector = inspector;
        _indexer = new DatasetIndexer(ledger, store, inspector);
        _extraction = new DatasetExtraction(ledger, store, inspector);
    }

    private readonly DatasetExtraction _extraction;

    /// <summary>See <see cref="DatasetExtraction"/>.</summary>
    public Task<ExtractionSummary> ExtractAsync(long jobId, long fence, string org, string dataset, string sourcePath, string destPath, bool overwrite,
        bool deleteArchive, Action<double, string> progress, Action<string> log, CancellationToken cancellation) =>
        _extraction.ExtractAsync(jobId, fence, org, dataset, sourcePath, destPath, overwrite, deleteArchive, progress, log, cancellation);

    public IRasterInspector? Inspector { get; }

    /// <summary>Where a dataset's files are.</summary>
    public string DatasetDir(string org, string dataset) => _store.DatasetDir(org, dataset);

    /// <summary>See <see cref="DatasetIndexer"/>.</summary>
    public Task<RescanSummary> RescanAsync(long jobId, long fence, string org, string dataset, IReadOnlySet<string>? types, bool stopOnError,
        Action<double, string> progress, Action<string> log, CancellationToken cancellation) =>
        _indexer.RescanAsync(jobId, fence, org, dataset, types, stopOnError, progress, log, cancellation);

    /// <summary>Every entry of the dataset under <paramref name="prefix"/>, in path order, a page at a time.</summary>
    public async IAsyncEnumerable<DatasetEntryRow> EntriesAsync(string org, string dataset, string prefix = "")
    {
        string? after = null;
        do
        {
            var page = await _ledger.ListEntriesAsync(new EntryQuery(org, dataset, prefix, null, after, 1000)).ConfigureAwait(false);
            foreach (var row in page.Entries)
            {
                yield return row;
            }

            after = page.NextAfter;
        }
        while (after is not null);
    }

    /// <summary>One entry's row; null when there is none.</summary>
    public Task<DatasetEntryRow?> EntryAsync(string org, string dataset, string path) => _ledger.GetEntryAsync(org, dataset, path);
}
