using System.Diagnostics;
using EdgeJobs.Agent.Tools;

namespace EdgeJobs.Bench;

/// <summary>
/// Runs one raster tool in this process, outside the job system, on a file under a data root:
/// the tool's own time (median of a few runs) and the phases it reported, to see where time goes.
/// Usage: <c>dotnet run -c Release --project bench/EdgeJobs.Bench -- tool raster-export DATA_ROOT '{"path":"scene.tif","formula":"ndvi"}' [runs]</c>
/// </summary>
internal static class RasterToolProbe
{
    public static async Task RunAsync(string tool, string dataRoot, string paramsJson, int runs)
    {
        var runner = EdgeJobs.Agent.AgentService.BuiltInTools().Single(t => t.Id == tool);
        var times = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var work = Directory.CreateTempSubdirectory("edgejobs-probe-");
            var phases = new List<(double At, string Phase)>();
            var clock = Stopwatch.StartNew();
            string? last = null;
            var context = new ToolContext(run + 1, 1, paramsJson, work.FullName, dataRoot,
                (_, phase) =>
                {
                    lock (phases)
                    {
                        if (phase != last)
                        {
                            phases.Add((clock.Elapsed.TotalSeconds, phase ?? ""));
                            last = phase;
                        }
                    }
                },
                _ => { }, CancellationToken.None);
            await runner.RunAsync(context);
            times.Add(clock.Elapsed.TotalSeconds);
            Console.WriteLine($"run {run + 1}: {clock.Elapsed.TotalSeconds:F3} s; phases {string.Join(", ", phases.Select(p => $"{p.Phase}@{p.At:F3}"))}; "
                + $"output {new DirectoryInfo(work.FullName).EnumerateFiles().Sum(f => f.Length)} bytes");
            work.Delete(recursive: true);
        }

        times.Sort();
        Console.WriteLine($"{tool}: median {times[times.Count / 2]:F3} s over {runs} runs");
    }
}
