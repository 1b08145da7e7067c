using System.Globalization;
using EdgeJobs.Catalog.Tools;

namespace EdgeJobs.Agent.Tools;

/// <summary>The diagnostic <c>echo</c>: waits <c>pause</c> seconds (a stop ends the wait), then returns the string as <c>echo.txt</c>.</summary>
public sealed class EchoRunner : IAgentTool
{
    public string Id => EchoTool.Instance.Id;

    public string Version => EchoTool.Instance.Version;

    public async Task RunAsync(ToolContext context)
    {
        var p = EchoTool.Instance.Read(context.ParamsJson);
        if (p.Pause > 0)
        {
            context.ReportProgress(0, "pausing");
            context.Log(string.Create(CultureInfo.InvariantCulture, $"pausing {p.Pause:0.###} s"));
            await Task.Delay(TimeSpan.FromSeconds(p.Pause), context.Cancellation).ConfigureAwait(false);
        }

        var path = Path.Combine(context.WorkDir, "echo.txt");
        await File.WriteAllTextAsync(path, p.StringInput, context.Cancellation).ConfigureAwait(false);
        context.Log($"echoed {p.StringInput.Length} characters");
        context.ReportProgress(100, "done");
        context.SetArtifact(path, "echo.txt");
    }
}
