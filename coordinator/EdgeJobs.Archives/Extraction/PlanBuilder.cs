namespace EdgeJobs.Archives.Extraction;

/// <summary>
/// Collects an archive's entries as they are read and applies the rules that need more than one entry:
/// duplicates, a path that is both a file and a folder, the entry count and the expanded size. Each add
/// checks before the reader moves on, so a bomb is refused at the header that crosses the limit, not after
/// reading past it.
/// </summary>
internal sealed class PlanBuilder(string archivePath, ArchiveFormat format, string destinationPrefix, ArchiveLimits limits)
{
    private readonly List<PlannedEntry> _files = [];
    private readonly HashSet<string> _filePaths = new(StringComparer.Ordinal);
    private readonly HashSet<string> _folderPaths = new(StringComparer.Ordinal);
    private long _totalBytes;

    public int EntriesRead { get; private set; }

    public long TotalBytes => _totalBytes;

    /// <summary>Counts one record read from the archive, whatever it is.</summary>
    public ArchiveRefusal? Count(string name)
    {
        if (++EntriesRead > limits.MaxEntries)
        {
            return new(ArchiveRule.TooManyEntries, name, $"is past the limit of {limits.MaxEntries} entries");
        }

        return null;
    }

    public ArchiveRefusal? AddFolder(string name)
    {
        var refusal = EntryNames.Check(name, isFolder: true, destinationPrefix, out var path);
        if (refusal is not null || path.Length == 0)
        {
            return refusal;
        }

        return _filePaths.Contains(path) ? BothFileAndFolder(name) : AddParents(name, path + "/");
    }

    public ArchiveRefusal? AddFile(string name, long size, int ordinal)
    {
        var refusal = EntryNames.Check(name, isFolder: false, destinationPrefix, out var path);
        if (refusal is not null)
        {
            return refusal;
        }

        if (size < 0)
        {
            return new(ArchiveRule.Corrupt, name, "declares a negative size");
        }

        if (_folderPaths.Contains(path))
        {
            return BothFileAndFolder(name);
        }

        if (!_filePaths.Add(path))
        {
            return new(ArchiveRule.Duplicate, name, $"is a second entry for '{path}'");
        }

        refusal = AddParents(name, path);
        if (refusal is not null)
        {
            return refusal;
        }

        _totalBytes += size;
        if (size > limits.MaxExpandedBytes || _totalBytes > limits.MaxExpandedBytes)
        {
            return new(ArchiveRule.TooLarge, name, $"takes the archive past the limit of {limits.MaxExpandedBytes} expanded bytes");
        }

        _files.Add(new PlannedEntry(ordinal, name, path, size));
        return null;
    }

    public ArchivePlan Build(long archiveLength, DateTime archiveWriteTimeUtc) =>
        new(archivePath, format, destinationPrefix, _files, _totalBytes, EntriesRead, archiveLength, archiveWriteTimeUtc);

    /// <summary>Registers every folder above <paramref name="path"/> (which may end in '/'), refusing one already a file.</summary>
    private ArchiveRefusal? AddParents(string name, string path)
    {
        // Only the part below the destination: the prefix's folders are the caller's.
        for (var slash = path.LastIndexOf('/'); slash >= destinationPrefix.Length; slash = path.LastIndexOf('/', slash - 1))
        {
            var folder = path[..slash];
            if (_filePaths.Contains(folder))
            {
                return BothFileAndFolder(name);
            }

            if (!_folderPaths.Add(folder) || slash == 0)
            {
                // Seen before, so its parents were registered then.
                break;
            }
        }

        return null;
    }

    private static ArchiveRefusal BothFileAndFolder(string name) =>
        new(ArchiveRule.Duplicate, name, "makes one path both a file and a folder");
}
