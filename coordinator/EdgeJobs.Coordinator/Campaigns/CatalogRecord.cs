namespace EdgeJobs.Coordinator.Campaigns;

/// <summary>
/// One record of a catalog, as a child job's params see it (<c>{record.id}</c>, <c>{record.path}</c>,
/// <c>{record.href}</c>, <c>{record.title}</c>, <c>{record.stem}</c>). Fields a catalog does not give are null.
/// </summary>
/// <param name="Id">The record's identifier (a path for listings, the item id for STAC, dc:identifier or gmd:fileIdentifier for CSW).</param>
/// <param name="Path">A path relative to the data root or the dataset, when the record is a file there.</param>
/// <param name="Href">A URL of the record's data, when the catalog links one.</param>
public sealed record CatalogRecord(string Id, string? Path, string? Href, string? Title)
{
    /// <summary>The file name of <see cref="Path"/> (else of <see cref="Href"/>'s path) without its extension.</summary>
    public string? Stem
    {
        get
        {
            var name = Path ?? (Href is { } href && Uri.TryCreate(href, UriKind.Absolute, out var uri) ? Uri.UnescapeDataString(uri.AbsolutePath) : null);
            return name is null ? null : System.IO.Path.GetFileNameWithoutExtension(name) is { Length: > 0 } stem ? stem : null;
        }
    }
}

/// <summary>
/// One page of a catalog: its records in catalog order, how many match in all (when the catalog says), and where the
/// next page starts (1-based; null when this page was the last).
/// </summary>
public sealed record CatalogPage(IReadOnlyList<CatalogRecord> Records, long? Matched, long? NextStartPosition);

/// <summary>A catalog that cannot be read as asked. <see cref="Transient"/>: trying again may work (a timeout, a 5xx).</summary>
public sealed class CatalogException(string code, string message, bool transient = false, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
    public bool Transient { get; } = transient;
}
