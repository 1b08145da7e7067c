using EdgeJobs.Agent.Tools;
using EdgeJobs.Coordinator.Datasets;

namespace EdgeJobs.Server;

/// <summary>The dataset tools' view of the coordinator's datasets, for the agent in the coordinator's process.</summary>
internal sealed class CoordinatorDatasetAccess(DatasetMaintenance datasets) : IDatasetAccess
{
    public string DatasetDir(string dataset)
    {
        var (org, name) = Split(dataset);
        return datasets.DatasetDir(org, name);
    }

    public async Task<string> RescanAsync(ToolContext context, IReadOnlySet<string>? types, bool stopOnError)
    {
        var (org, name) = Split(context.Dataset!.Dataset);
        try
        {
            var s = await datasets.RescanAsync(context.JobId, context.Fence, org, name, types, stopOnError,
                (percent, phase) => context.ReportProgress(percent, phase), context.Log, context.Cancellation).ConfigureAwait(false);
            return $"rescanned {s.Files} files of {org}/{name}: {s.Added} added, {s.Updated} updated, {s.Unchanged} unchanged, {s.Removed} removed, {s.Skipped} skipped";
        }
        catch (DatasetToolException e)
        {
            throw new ToolFailure(e.Code, e.Message, retryable: false);
        }
        catch (IOException e) when (stopOnError)
        {
            throw new ToolFailure("unreadable_entry", $"{e.Message} (stopOnError)", retryable: false);
        }
    }

    public async Task<string> ExtractAsync(ToolContext context, string sourcePath, string destPath, bool overwrite, bool deleteArchive)
    {
        var (org, name) = Split(context.Dataset!.Dataset);
        try
        {
            var s = await datasets.ExtractAsync(context.JobId, context.Fence, org, name, sourcePath, destPath, overwrite, deleteArchive,
                (percent, phase) => context.ReportProgress(percent, phase), context.Log, context.Cancellation).ConfigureAwait(false);
            return $"extracted {s.Files} files ({s.Bytes} bytes) from {sourcePath} into {org}/{name}/{destPath}{(s.ArchiveDeleted ? "; the archive was removed" : "")}";
        }
        catch (DatasetToolException e)
        {
            throw new ToolFailure(e.Code, e.Message, retryable: false);
        }
    }

    public async IAsyncEnumerable<(string Path, long Size)> EntriesAsync(string dataset, string prefix = "")
    {
        var (org, name) = Split(dataset);
        await foreach (var row in datasets.EntriesAsync(org, name, prefix).ConfigureAwait(false))
        {
            yield return (row.Path, row.Size);
        }
    }

    private static (string Org, string Name) Split(string dataset)
    {
        var slash = dataset.IndexOf('/', StringComparison.Ordinal);
        return (dataset[..slash], dataset[(slash + 1)..]);
    }
}
