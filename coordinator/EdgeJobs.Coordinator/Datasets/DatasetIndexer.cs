using System.Security.Cryptography;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Datasets;

namespace EdgeJobs.Coordinator.Datasets;

/// <summary>What a rescan found: files read, and how the index changed.</summary>
public sealed record RescanSummary(long Files, long Added, long Updated, long Unchanged, long Removed, long Skipped);

/// <summary>
/// <c>rescan-index</c>'s work: reads every file under the dataset's directory again (SHA-256, size, mtime, type, and
/// what the raster inspector reads) and makes the index match: files without a row are added, rows that differ are
/// updated, rows without a file removed. Writes go in batches, each under the dataset's lock and only for files that
/// did not change while they were read (an upload meanwhile wrote its own row), and each fenced by the job's lease.
/// Symbolic links are never followed (the tree is the coordinator's own; a link someone put there is skipped).
/// </summary>
internal sealed class DatasetIndexer(JobLedger ledger, DatasetStore store, IRasterInspector? inspector)
{
    private const int BatchSize = 256;

    /// <param name="progress">Percent 0-100 (by bytes read), and a phase.</param>
    public async Task<RescanSummary> RescanAsync(long jobId, long fence, string org, string dataset, IReadOnlySet<string>? types, bool stopOnError,
        Action<double, string> progress, Action<string> log, CancellationToken cancellation)
    {
        progress(0, "listing");
        var dir = store.DatasetDir(org, dataset);
        var (files, skipped) = ListFiles(dir, types, stopOnError, log);
        var indexed = await IndexedAsync(org, dataset, types).ConfigureAwait(false);
        var total = Math.Max(1, files.Sum(f => f.Info.Length));
        long done = 0, added = 0, updated = 0, unchanged = 0;
        var batch = new List<(DatasetEntryRow Row, FileInfo Read)>(BatchSize);
        foreach (var (path, info) in files)
        {
            cancellation.ThrowIfCancellationRequested();
            DatasetEntryRow row;
            try
            {
                row = await ReadAsync(path, info, cancellation).ConfigureAwait(false);
            }
            catch (IOException e) when (!stopOnError)
            {
                log($"skipped {path}: {e.Message}");
                skipped++;
                continue;
            }

            done += info.Length;
            progress(99.0 * done / total, "reading");
            if (indexed.Remove(path, out var before) && Same(before, row))
            {
                unchanged++;
                continue;
            }

            _ = before is null ? added++ : updated++;
            batch.Add((row, info));
            if (batch.Count == BatchSize)
            {
                await WriteAsync(jobId, fence, org, dataset, batch, [], cancellation).ConfigureAwait(false);
                batch.Clear();
            }
        }

        // What is left of the index (of the types rescanned) has no file any more.
        var gone = indexed.Keys.Where(p => !File.Exists(store.FilePath(org, dataset, p))).ToList();
        await WriteAsync(jobId, fence, org, dataset, batch, gone, cancellation).ConfigureAwait(false);
        progress(100, "done");
        return new RescanSummary(files.Count, added, updated, unchanged, gone.Count, skipped);
    }

    private static (List<(string Path, FileInfo Info)> Files, long Skipped) ListFiles(string dir, IReadOnlySet<string>? types, bool stopOnError, Action<string> log)
    {
        var files = new List<(string, FileInfo)>();
        var skipped = 0L;
        if (!Directory.Exists(dir))
        {
            return (files, 0);
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = !stopOnError };
        foreach (var item in new DirectoryInfo(dir).EnumerateFileSystemInfos("*", options))
        {
            if (item is DirectoryInfo && item.LinkTarget is null)
            {
                continue;
            }

            var relative = Path.GetRelativePath(dir, item.FullName).Replace(Path.DirectorySeparatorChar, '/');
            var why = item.LinkTarget is not null ? "a symbolic link (not followed)"
                : DatasetPaths.Check(relative, out var normalized) is { } reason ? reason
                : normalized != relative ? "not a normalised path"
                : null;
            if (why is not null)
            {
                if (stopOnError)
                {
                    throw new IOException($"{relative}: {why}");
                }

                log($"skipped {relative}: {why}");
                skipped++;
                continue;
            }

            if (types is null || types.Contains(EntryTypes.Of(relative)))
            {
                files.Add((relative, (FileInfo)item));
            }
        }

        files.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return (files, skipped);
    }

    private async Task<Dictionary<string, DatasetEntryRow>> IndexedAsync(string org, string dataset, IReadOnlySet<string>? types)
    {
        var rows = new Dictionary<string, DatasetEntryRow>(StringComparer.Ordinal);
        string? after = null;
        do
        {
            var page = await ledger.ListEntriesAsync(new EntryQuery(org, dataset, "", null, after, 1000)).ConfigureAwait(false);
            foreach (var row in page.Entries.Where(r => types is null || types.Contains(r.Type)))
            {
                rows[row.Path] = row;
            }

            after = page.NextAfter;
        }
        while (after is not null);
        return rows;
    }

    private async Task<DatasetEntryRow> ReadAsync(string path, FileInfo info, CancellationToken cancellation)
    {
        string sha256;
        await using (var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 20, FileOptions.SequentialScan))
        {
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellation).ConfigureAwait(false));
        }

        return new DatasetEntryRow
        {
            Path = path,
            Type = EntryTypes.Of(path),
            Size = info.Length,
            Sha256 = sha256,
            Mtime = new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeMilliseconds(),
        }.WithRaster(inspector?.Inspect(info.FullName));
    }

    private static bool Same(DatasetEntryRow a, DatasetEntryRow b) =>
        a.Sha256 == b.Sha256 && a.Size == b.Size && a.Mtime == b.Mtime && a.Type == b.Type
        && a.RasterWidth == b.RasterWidth && a.RasterHeight == b.RasterHeight && a.RasterBands == b.RasterBands
        && a.RasterType == b.RasterType && a.RasterCrs == b.RasterCrs && a.RasterBounds == b.RasterBounds;

    /// <summary>One batch, under the lock: a file changed since it was read (size or mtime) is left to whoever changed it.</summary>
    private async Task WriteAsync(long jobId, long fence, string org, string dataset, List<(DatasetEntryRow Row, FileInfo Read)> batch, List<string> gone,
        CancellationToken cancellation)
    {
        if (batch.Count == 0 && gone.Count == 0)
        {
            return;
        }

        using (await store.Locks.EnterAsync(org, dataset, cancellation).ConfigureAwait(false))
        {
            var put = batch.Where(b => Unchanged(b.Read)).Select(b => b.Row).ToList();
            var remove = gone.Where(p => !File.Exists(store.FilePath(org, dataset, p))).ToList();
            var result = await ledger.ReindexAsync(jobId, fence, org, dataset, put, remove).ConfigureAwait(false);
            if (result != MaintenanceResult.Written)
            {
                throw new DatasetToolException(result == MaintenanceResult.LeaseLost ? "lease_lost" : "dataset_not_found",
                    result == MaintenanceResult.LeaseLost ? "the job's lease was lost; the index was left as the last batch wrote it" : $"dataset '{org}/{dataset}' is gone");
            }
        }
    }

    private static bool Unchanged(FileInfo read)
    {
        var now = new FileInfo(read.FullName);
        return now.Exists && now.Length == read.Length && now.LastWriteTimeUtc == read.LastWriteTimeUtc;
    }
}

/// <summary>A dataset tool's write was refused by the ledger; <see cref="Code"/> becomes the job's error code.</summary>
public sealed class DatasetToolException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
