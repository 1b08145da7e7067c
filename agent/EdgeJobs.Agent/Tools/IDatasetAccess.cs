namespace EdgeJobs.Agent.Tools;

/// <summary>
/// What a dataset tool (rescan-index, archive-extract, bulk-download) may do to the dataset it runs on. Only the agent in
/// the coordinator's process has one (the host passes it in, over the coordinator's own dataset store): these tools work
/// on whole datasets where the files are, and every change they make is fenced by the job's lease.
/// </summary>
public interface IDatasetAccess
{
    /// <summary>The directory of the dataset's files (<c>org/name</c>), for reading.</summary>
    string DatasetDir(string dataset);

    /// <summary>Re-reads every file (of <paramref name="types"/>, or all) and makes the index match; returns a one-line summary.</summary>
    Task<string> RescanAsync(ToolContext context, IReadOnlySet<string>? types, bool stopOnError);

    /// <summary>Extracts an archive of the dataset into it (refused whole when unsafe); returns a one-line summary.</summary>
    Task<string> ExtractAsync(ToolContext context, string sourcePath, string destPath, bool overwrite, bool deleteArchive);

    /// <summary>The dataset's entries under <paramref name="prefix"/>, in path order: path and size.</summary>
    IAsyncEnumerable<(string Path, long Size)> EntriesAsync(string dataset, string prefix = "");
}
