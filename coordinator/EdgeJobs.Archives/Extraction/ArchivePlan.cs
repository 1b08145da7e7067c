namespace EdgeJobs.Archives.Extraction;

/// <summary>
/// What an archive extracts to, once <see cref="ArchiveInspector"/> found nothing to refuse: the files in
/// archive order (folders are not listed; a dataset holds files and its folders exist through them), and
/// the archive's length and write time, so <see cref="ArchiveExtractor"/> can tell the archive was replaced.
/// </summary>
public sealed record ArchivePlan(
    string ArchivePath,
    ArchiveFormat Format,
    string DestinationPrefix,
    IReadOnlyList<PlannedEntry> Files,
    long TotalBytes,
    int EntriesRead,
    long ArchiveLength,
    DateTime ArchiveWriteTimeUtc);
