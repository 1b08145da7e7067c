namespace EdgeJobs.Coordinator.Campaigns;

/// <summary>
/// The files under a folder of the data root as records, in ordinal path order, filtered by a glob. Paths are relative
/// to the data root (what a child job's params name). Symbolic links are not followed: a link cannot lead a campaign
/// out of the data root.
/// </summary>
internal sealed class DataRootListing(string dataRoot, string root, string? glob) : CatalogSource
{
    private readonly PathGlob _glob = new(glob);

    public override Task<CatalogPage> ReadAsync(long startPosition, int maxRecords, CancellationToken cancellation)
    {
        var folder = Path.Combine(dataRoot, root);
        if (!Directory.Exists(folder))
        {
            throw new CatalogException("catalog_not_found", $"folder '{(root.Length == 0 ? "." : root)}' does not exist in the data root");
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true, MatchType = MatchType.Simple };
        var paths = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", options))
        {
            cancellation.ThrowIfCancellationRequested();
            var underRoot = Path.GetRelativePath(folder, file).Replace('\\', '/');
            if (_glob.Matches(underRoot))
            {
                paths.Add(Path.GetRelativePath(dataRoot, file).Replace('\\', '/'));
            }
        }

        paths.Sort(StringComparer.Ordinal);
        var skip = (int)Math.Min(startPosition - 1, paths.Count);
        var records = paths.Skip(skip).Take(maxRecords).Select(p => new CatalogRecord(p, p, null, null)).ToList();
        long? next = skip + records.Count < paths.Count ? startPosition + records.Count : null;
        return Task.FromResult(new CatalogPage(records, paths.Count, next));
    }
}
