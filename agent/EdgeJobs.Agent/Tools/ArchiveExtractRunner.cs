using EdgeJobs.Catalog.Tools;

namespace EdgeJobs.Agent.Tools;

/// <summary><c>archive-extract</c>: an archive of the dataset unpacked into it, by the agent where the dataset is.</summary>
public sealed class ArchiveExtractRunner : IAgentTool
{
    public string Id => ArchiveExtractTool.Instance.Id;

    public string Version => ArchiveExtractTool.Instance.Version;

    public async Task RunAsync(ToolContext context)
    {
        var access = DatasetTool.AccessOf(context);
        var p = ArchiveExtractTool.Instance.Read(context.ParamsJson);
        context.Log(await access.ExtractAsync(context, p.SourcePath, p.DestPath ?? "", p.Overwrite, p.DeleteArchive).ConfigureAwait(false));
    }
}
