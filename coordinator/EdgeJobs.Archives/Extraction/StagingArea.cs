using System.Security.Cryptography;

namespace EdgeJobs.Archives.Extraction;

/// <summary>
/// The files and folders one extraction created under the caller's staging directory, so a failure removes
/// exactly those: the directory itself is the caller's, and so is anything already in it.
/// </summary>
internal sealed class StagingArea(string root)
{
    private readonly string _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    private readonly List<string> _createdFiles = [];
    private readonly List<string> _createdFolders = [];
    private readonly HashSet<string> _knownFolders = new(StringComparer.Ordinal);

    private const long PreallocateFrom = 1 << 20;

    public List<StagedFile> Files { get; } = [];

    /// <summary>Creates the file for a planned path (never an existing one) and the folders above it.</summary>
    public FileStream Create(PlannedEntry entry)
    {
        var fullPath = Path.GetFullPath(Path.Combine(_root, entry.Path));
        if (!fullPath.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            // The inspector's rules make this unreachable; a bug there must not become a write outside.
            throw new InvalidOperationException($"'{entry.Path}' resolves outside the staging directory");
        }

        CreateFolders(Path.GetDirectoryName(fullPath)!);
        var stream = new FileStream(fullPath, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 0,

            // Reserving a big file's blocks up front fails early on a full disk and keeps it contiguous; for
            // small files the extra fallocate call costs more than it saves.
            PreallocationSize = entry.Size >= PreallocateFrom ? entry.Size : 0,
        });
        _createdFiles.Add(fullPath);
        return stream;
    }

    public void Add(PlannedEntry entry, IncrementalHash sha256) =>
        Files.Add(new StagedFile(entry.Path, entry.Size, Convert.ToHexStringLower(sha256.GetHashAndReset())));

    /// <summary>Removes what this extraction created, files first, then folders deepest first. Never throws.</summary>
    public void Rollback()
    {
        foreach (var file in _createdFiles)
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        for (var i = _createdFolders.Count - 1; i >= 0; i--)
        {
            try
            {
                Directory.Delete(_createdFolders[i]);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        _createdFiles.Clear();
        _createdFolders.Clear();
        Files.Clear();
    }

    private void CreateFolders(string folder)
    {
        if (folder.Length <= _root.Length || _knownFolders.Contains(folder))
        {
            return;
        }

        CreateFolders(Path.GetDirectoryName(folder)!);
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder);
            _createdFolders.Add(folder);
        }

        _knownFolders.Add(folder);
    }
}
