namespace EdgeJobs.Archives;

/// <summary>
/// How much one archive may expand to, filled by the caller from the dataset's quota. An archive over any
/// limit is refused before a byte is written.
/// </summary>
/// <param name="MaxEntries">Entries read from the archive's directory, folders included.</param>
/// <param name="MaxExpandedBytes">The sum of the files' sizes once extracted.</param>
/// <param name="MaxRatio">Expanded bytes over compressed bytes, for one entry and for the whole archive.</param>
public sealed record ArchiveLimits(int MaxEntries, long MaxExpandedBytes, double MaxRatio)
{
    /// <summary>
    /// Below this many expanded bytes the ratio is not checked: a 4 KB run of zeros compresses 200:1 and
    /// costs nothing; the ratio limit is for the gigabytes a bomb hides behind a few kilobytes.
    /// </summary>
    public long RatioExemptBytes { get; init; } = 1 << 20;

    /// <summary>True when an entry of <paramref name="expanded"/> bytes stored in <paramref name="compressed"/> is over the ratio.</summary>
    public bool ExceedsRatio(long expanded, long compressed) =>
        expanded > RatioExemptBytes && expanded > MaxRatio * Math.Max(compressed, 1);
}
