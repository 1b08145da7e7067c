using EdgeJobs.Agent.Tools;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Interop.Gdal;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests.Runner;

/// <summary>A tool whose GDAL warns once per call logs the first warnings and counts the rest, so a warning per pixel cannot flood the job log.</summary>
[Category("gdal")]
public class GdalWarningCapTests
{
    /// <summary>Raises one GDAL warning per dataset it creates (a creation option GTiff does not have).</summary>
    private sealed class WarnsTool(int warnings) : GdalAgentTool<InfoParams>(InfoTool.Instance)
    {
        protected override void Run(ToolContext context, InfoParams p)
        {
            for (var i = 0; i < warnings; i++)
            {
                using var dataset = GdalDataset.Create("GTiff", Path.Combine(context.WorkDir, $"{i}.tif"), 1, 1, 1, GdalDataType.Byte, ["NOT_A_GTIFF_OPTION=1"]);
            }
        }
    }

    [Test]
    [Arguments(3, 3, false)]
    [Arguments(120, 50, true)]
    [Arguments(51, 50, true)]
    public async Task warnings_past_the_cap_are_counted_not_logged(int raised, int logged, bool counted)
    {
        using var dir = new TempDir();
        var lines = new List<string>();
        var context = new ToolContext(1, 1, "{\"path\":\"x.tif\"}", dir.File("work"), dir.Path, (_, _) => { }, line => { lock (lines) { lines.Add(line); } }, CancellationToken.None);

        await new WarnsTool(raised).RunAsync(context);

        await Assert.That(lines.Count(l => l.StartsWith("warning: GDAL:", StringComparison.Ordinal) && l.Contains("NOT_A_GTIFF_OPTION"))).IsEqualTo(logged);
        await Assert.That(lines.Contains($"warning: GDAL: {raised - GdalAgentTool<InfoParams>.MaxLoggedWarnings} more warnings not logged")).IsEqualTo(counted);
    }
}
