using EdgeJobs.Archives.Writing;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Protocol.Datasets;

namespace EdgeJobs.Agent.Tools;

/// <summary>
/// <c>bulk-download</c>: entries of the dataset as one ZIP, written straight into the artifact file as each entry is read
/// (no staging copy; handed to the coordinator by rename), stored, ZIP64 where sizes or counts need it. Memory is one
/// copy block plus a small record per entry for the central directory.
/// </summary>
public sealed class BulkDownloadRunner : IAgentTool
{
    public string Id => BulkDownloadTool.Instance.Id;

    public string Version => BulkDownloadTool.Instance.Version;

    public async Task RunAsync(ToolContext context)
    {
        var access = DatasetTool.AccessOf(context);
        var p = BulkDownloadTool.Instance.Read(context.ParamsJson);
        var dataset = context.Dataset!.Dataset;
        var root = access.DatasetDir(dataset);
        var entries = new List<(string Path, long Size)>();
        if (p.Paths is { } paths)
        {
            foreach (var raw in paths)
            {
                var path = DatasetPaths.Check(raw, out var normalized) is null ? normalized : throw new ToolFailure("bad_input", $"'{raw}' is not a dataset path", retryable: false);
                var info = new FileInfo(Path.Combine(root, path));
                entries.Add((path, info.Exists ? info.Length : 0));
            }
        }
        else
        {
            await foreach (var entry in access.EntriesAsync(dataset).ConfigureAwait(false))
            {
                entries.Add(entry);
            }
        }

        var name = BulkDownloadTool.ZipName(p.ArchiveName ?? dataset[(dataset.IndexOf('/') + 1)..])!;
        var file = Path.Combine(context.WorkDir, "archive.zip");
        context.TrackOutput(file, name);
        var total = Math.Max(1, entries.Sum(e => e.Size));
        long done = 0;
        await using (var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.Read, 0, FileOptions.Asynchronous))
        await using (var zip = new ZipStreamWriter(stream, leaveOpen: true))
        {
            foreach (var (path, size) in entries)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                var full = Path.Combine(root, path);
                if (!File.Exists(full))
                {
                    throw new ToolFailure("bad_input", $"'{path}' is not in dataset '{dataset}' any more", retryable: false);
                }

                // Sized when its turn comes: a file replaced since the listing is packaged as it is now.
                await zip.AddAsync(ZipSource.FromFile(path, full), context.Cancellation).ConfigureAwait(false);
                done += size;
                context.ReportProgress(Math.Min(99, 100.0 * done / total), "packaging");
            }

            await zip.FinishAsync(context.Cancellation).ConfigureAwait(false);
        }

        context.Log($"packaged {entries.Count} entries of {dataset} into {name} ({new FileInfo(file).Length} bytes)");
        context.SetArtifact(file, name);
    }
}
