using System.Globalization;
using EdgeJobs.Catalog.Tools;

namespace EdgeJobs.Agent.Tools;

/// <summary>The diagnostic <c>sleep</c>: progress and a log line every second, honours stop at once, fails on request.</summary>
public sealed class SleepRunner : IAgentTool
{
    public string Id => SleepTool.Instance.Id;

    public string Version => SleepTool.Instance.Version;

    public async Task RunAsync(ToolContext context)
    {
        var p = SleepTool.Instance.Read(context.ParamsJson);
        var total = TimeSpan.FromSeconds(p.Seconds);
        var started = DateTime.UtcNow;
        context.ReportProgress(0, "sleeping");
        context.Log(string.Create(CultureInfo.InvariantCulture, $"sleeping {p.Seconds:0.###} s (attempt {context.Attempt})"));
        for (var second = 1; ; second++)
        {
            var remaining = total - (DateTime.UtcNow - started);
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }

            await Task.Delay(remaining < TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1), context.Cancellation).ConfigureAwait(false);
            var elapsed = DateTime.UtcNow - started;
            context.ReportProgress(Math.Min(100, 100 * elapsed / total), "sleeping");
            if (remaining >= TimeSpan.FromSeconds(1))
            {
                context.Log(string.Create(CultureInfo.InvariantCulture, $"slept {second} s of {p.Seconds:0.###}"));
            }
        }

        if (p.Fatal)
        {
            throw new ToolFailure("requested_fatal", "failed on purpose (fatal: true)", retryable: false);
        }

        if (p.Fail)
        {
            throw new ToolFailure("requested_failure", "failed on purpose (fail: true)", retryable: true);
        }

        context.ReportProgress(100, "done");
    }
}
