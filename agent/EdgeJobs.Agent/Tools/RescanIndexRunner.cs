using EdgeJobs.Catalog.Tools;

namespace EdgeJobs.Agent.Tools;

/// <summary><c>rescan-index</c>: the dataset's index rebuilt from its files, by the agent where the files are.</summary>
public sealed class RescanIndexRunner : IAgentTool
{
    public string Id => RescanIndexTool.Instance.Id;

    public string Version => RescanIndexTool.Instance.Version;

    public async Task RunAsync(ToolContext context)
    {
        var access = DatasetTool.AccessOf(context);
        var p = RescanIndexTool.Instance.Read(context.ParamsJson);
        var summary = await access.RescanAsync(context, RescanIndexTool.TypesOf(p.Types), p.StopOnError).ConfigureAwait(false);
        context.Log(summary);
    }
}
