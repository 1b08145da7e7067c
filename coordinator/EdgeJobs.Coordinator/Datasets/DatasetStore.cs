using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace EdgeJobs.Coordinator.Datasets;

/// <summary>
/// Where datasets live: <c>DATA_DIR/datasets/{org}/{dataset}/{path}</c>, with uploads in progress under
/// <c>DATA_DIR/datasets/.incoming/{org}/{dataset}/</c> (org names cannot start with '.', so it is never an
/// org). A file appears at its path only whole, synced and hashed (rename is atomic), so a download never
/// sees half a file. Paths reaching here were checked by <see cref="Protocol.Datasets.DatasetPaths"/>; the
/// tree is written by this class alone, so it holds no links to follow out.
/// </summary>
internal sealed class DatasetStore
{
    /// <summary>A partial upload untouched this long is abandoned: its client is not coming back for it.</summary>
    public static readonly TimeSpan IncomingRetention = TimeSpan.FromDays(7);

    private readonly string _root;
    private readonly string _incoming;
    private readonly ConcurrentDictionary<string, byte> _uploading = new(StringComparer.Ordinal);

    public DatasetStore(string dataDir)
    {
        _root = Path.Combine(dataDir, "datasets");
        _incoming = Path.Combine(_root, ".incoming");
        Directory.CreateDirectory(_incoming);

        // Unlike an artifact's, a partial upload survives a restart (its client resumes it), until it is stale.
        var cutoff = DateTime.UtcNow - IncomingRetention;
        foreach (var stale in Directory.EnumerateFiles(_incoming, "*", SearchOption.AllDirectories))
        {
            if (File.GetLastWriteTimeUtc(stale) < cutoff)
            {
                File.Delete(stale);
            }
        }
    }

    public DatasetLocks Locks { get; } = new();

    public string DatasetDir(string org, string dataset) => Path.Combine(_root, org, dataset);

    public string FilePath(string org, string dataset, string path) => Path.Combine(DatasetDir(org, dataset), path);

    /// <summary>The partial upload of one path: named by a hash, so any path, however long, is one flat file name.</summary>
    public string PartialPath(string org, string dataset, string path) =>
        Path.Combine(_incoming, org, dataset, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path))) + ".part");

    public void CreateDataset(string org, string dataset) => Directory.CreateDirectory(DatasetDir(org, dataset));

    /// <summary>Removes a dataset's files and its partial uploads (its index went first, in the ledger).</summary>
    public void DeleteDataset(string org, string dataset)
    {
        foreach (var dir in new[] { DatasetDir(org, dataset), Path.Combine(_incoming, org, dataset) })
        {
            if (!Directory.Exists(dir))
            {
                continue;
            }

            // Renamed away first, so a dataset created again at once under the same name starts empty even
            // while a large tree is still being removed.
            var doomed = Path.Combine(_incoming, ".deleting-" + Guid.NewGuid().ToString("N"));
            Directory.Move(dir, doomed);
            Directory.Delete(doomed, recursive: true);
        }
    }

    /// <summary>Removes a partial upload, if there is one (its folder may be gone too, with its dataset).</summary>
    public static void DiscardPartial(string partialPath)
    {
        try
        {
            File.Delete(partialPath);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>One upload per path at a time: a second one would interleave its bytes into the same partial.</summary>
    public bool TryBeginUpload(string partialPath) => _uploading.TryAdd(partialPath, 0);

    public void EndUpload(string partialPath) => _uploading.TryRemove(partialPath, out _);

    /// <summary>
    /// Why a file cannot be placed at <paramref name="path"/>: a folder on its way is a file, or the path is a
    /// folder. Null when it can.
    /// </summary>
    public string? Obstacle(string org, string dataset, string path)
    {
        if (LinkOnPath(org, dataset, path) is { } link)
        {
            return LinkRefusal(link);
        }

        var dir = DatasetDir(org, dataset);
        var segments = path.Split('/');
        var current = dir;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            current = Path.Combine(current, segments[i]);
            if (File.Exists(current))
            {
                return $"'{string.Join('/', segments[..(i + 1)])}' is a file, so it cannot hold '{path}'";
            }
        }

        return Directory.Exists(Path.Combine(dir, path)) ? $"'{path}' is a folder" : null;
    }

    /// <summary>
    /// The first part of <paramref name="path"/> (a folder on the way, or the entry itself) that is a symbolic link in
    /// the dataset's directory, or null. Entries are never read or written through one: a link put there by hand could
    /// lead anywhere on the coordinator's disk.
    /// </summary>
    public string? LinkOnPath(string org, string dataset, string path)
    {
        var current = DatasetDir(org, dataset);
        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            current = Path.Combine(current, segments[i]);
            // readlink(2) of the path itself: a link to a folder, to a file, or to nothing at all.
            if (new FileInfo(current).LinkTarget is not null)
            {
                return string.Join('/', segments[..(i + 1)]);
            }

            if (!Path.Exists(current))
            {
                return null; // nothing further down exists either
            }
        }

        return null;
    }

    /// <summary>
    /// What stops a folder of entries from going at <paramref name="folder"/>: a symbolic link on the way (or the folder
    /// itself one), or a file where one of its parent folders would be; null when nothing does. A file or folder at the
    /// path itself is what the folder replaces.
    /// </summary>
    public string? FolderObstacle(string org, string dataset, string folder)
    {
        if (LinkOnPath(org, dataset, folder) is { } link)
        {
            return LinkRefusal(link);
        }

        var segments = folder.Split('/');
        var current = DatasetDir(org, dataset);
        for (var i = 0; i < segments.Length - 1; i++)
        {
            current = Path.Combine(current, segments[i]);
            if (File.Exists(current))
            {
                return $"'{string.Join('/', segments[..(i + 1)])}' is a file, so it cannot hold '{folder}'";
            }
        }

        return null;
    }

    /// <summary>The datasets' root folder (it exists while the coordinator runs, whatever datasets are deleted).</summary>
    public string Root => _root;

    /// <summary>Why a path through a symbolic link is refused.</summary>
    public static string LinkRefusal(string link) =>
        $"'{link}' is a symbolic link in the dataset's directory; entries are never read or written through links";

    /// <summary>Moves a sealed partial into place (replacing an older file at the path); returns the new file.</summary>
    public FileInfo Publish(string partialPath, string org, string dataset, string path)
    {
        var final = FilePath(org, dataset, path);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        File.Move(partialPath, final, overwrite: true);
        return new FileInfo(final);
    }

    /// <summary>Where a job's output waits, under a second name, for its entry to be committed.</summary>
    public string StagedOutputPath(string org, string dataset, long jobId) =>
        Path.Combine(_incoming, org, dataset, $"job-{jobId.ToString(System.Globalization.CultureInfo.InvariantCulture)}.out");

    /// <summary>Where a dataset tool stages the files it is about to add (an extraction), beside the dataset.</summary>
    public string StagingPath(string org, string dataset, long jobId) =>
        Path.Combine(_incoming, org, dataset, $"job-{jobId.ToString(System.Globalization.CultureInfo.InvariantCulture)}.extract");

    /// <summary>Every staging folder left in <c>.incoming</c>, with the dataset it is for.</summary>
    public IEnumerable<(string Org, string Dataset, string Dir)> StagingFolders() =>
        IncomingOfDatasets().SelectMany(d => Directory.EnumerateDirectories(d.Dir, "job-*.extract").Select(dir => (d.Org, d.Dataset, dir)));

    /// <summary>A directory output's marker (<c>job-N.extract.replaces</c>) or old folder (<c>job-N.extract.old</c>) whose staging is gone.</summary>
    public IEnumerable<(string Org, string Dataset, string Path)> StagingLeftovers() =>
        IncomingOfDatasets().SelectMany(d => Directory.EnumerateFileSystemEntries(d.Dir, "job-*.extract.*")
            .Where(p => !Directory.Exists(p[..p.LastIndexOf('.')]))
            .Select(p => (d.Org, d.Dataset, p))).ToList();

    /// <summary>Every staged output left in <c>.incoming</c>, with the dataset it is for.</summary>
    public IEnumerable<(string Org, string Dataset, string File)> StagedOutputs() =>
        IncomingOfDatasets().SelectMany(d => Directory.EnumerateFiles(d.Dir, "job-*.out").Select(file => (d.Org, d.Dataset, file)));

    /// <summary>The <c>.incoming/{org}/{dataset}</c> folders there are.</summary>
    private IEnumerable<(string Org, string Dataset, string Dir)> IncomingOfDatasets() =>
        Directory.EnumerateDirectories(_incoming).SelectMany(org => Directory.EnumerateDirectories(org).Select(dir => (Path.GetFileName(org), Path.GetFileName(dir), dir)));

    /// <summary>Renames a staged output into place, replacing an older file at the path (synced first: it may be a copy).</summary>
    public void PublishStaged(string staged, string org, string dataset, string path)
    {
        var final = FilePath(org, dataset, path);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        File.Move(staged, final, overwrite: true);
    }

    public void DeleteFile(string org, string dataset, string path)
    {
        File.Delete(FilePath(org, dataset, path));
        PruneEmptyFolders(org, dataset, path);
    }

    /// <summary>Renames a file or a folder inside the dataset, creating the target's folders.</summary>
    public void Move(string org, string dataset, string from, string to)
    {
        var source = FilePath(org, dataset, from);
        var target = FilePath(org, dataset, to);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (Directory.Exists(source))
        {
            Directory.Move(source, target);
        }
        else
        {
            File.Move(source, target);
        }

        PruneEmptyFolders(org, dataset, from);
    }

    /// <summary>Folders exist only to hold entries: the ones a removal or move left empty go too, up to the dataset.</summary>
    private void PruneEmptyFolders(string org, string dataset, string path)
    {
        var top = DatasetDir(org, dataset);
        var dir = Path.GetDirectoryName(FilePath(org, dataset, path));
        while (dir is not null && dir.Length > top.Length && Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
        {
            Directory.Delete(dir);
            dir = Path.GetDirectoryName(dir);
        }
    }
}
