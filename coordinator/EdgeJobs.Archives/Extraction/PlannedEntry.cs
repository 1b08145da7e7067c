namespace EdgeJobs.Archives.Extraction;

/// <summary>One file the archive will extract to.</summary>
/// <param name="Ordinal">Its position among the archive's entries (folders and skipped records count), so extraction finds it again.</param>
/// <param name="Name">The name as stored in the archive, for messages.</param>
/// <param name="Path">The dataset path: the destination prefix and the normalised name. The staging layout mirrors it.</param>
/// <param name="Size">The size its header declares; extraction refuses an entry that yields more or less.</param>
public sealed record PlannedEntry(int Ordinal, string Name, string Path, long Size);
