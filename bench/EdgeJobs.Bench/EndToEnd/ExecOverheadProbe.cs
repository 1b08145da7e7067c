using System.Diagnostics;
using System.Globalization;
using EdgeJobs.Catalog.Exec;
using EdgeJobs.Catalog.Tools;

namespace EdgeJobs.Bench.EndToEnd;

/// <summary>
/// Issue 13's "exec tool overhead": no-op jobs end to end through REST, the link and the ledger, once with the built-in
/// <c>sleep 0</c> and once with <c>true</c> as an exec tool (a process started through setsid in its own group, its
/// pipes drained, its group checked empty in /proc), same agents and slots; jobs/s of each and the difference per job.
/// <c>dotnet run -c Release --project bench/EdgeJobs.Bench -- exec-overhead [JOBS]</c>.
/// </summary>
internal static class ExecOverheadProbe
{
    private const string TrueManifest = """
        {"id": "true", "version": "1", "title": "true(1)", "params_schema": {"type": "object", "additionalProperties": false}, "argv": ["true"]}
        """;

    public static async Task RunAsync(int jobs = 2000)
    {
        var manifest = ExecManifest.Parse(TrueManifest, "bench", ToolCatalog.BuiltIn.BuiltInIds);
        var builtIn = await MeasureAsync("{\"tool\":\"sleep\",\"force\":true,\"params\":{\"seconds\":0}}", jobs, []);
        var exec = await MeasureAsync("{\"tool\":\"true\",\"force\":true,\"params\":{}}", jobs, [manifest]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"no-op jobs end to end ({Environment.ProcessorCount} cores, 2 agents x 16 slots, {jobs} jobs): sleep 0 built in {builtIn:0} jobs/s; `true` as an exec tool {exec:0} jobs/s ({builtIn / exec:0.0}x; {(1 / exec - 1 / builtIn) * 1e3:0.00} ms more per job)"));
    }

    private static async Task<double> MeasureAsync(string body, int jobs, IReadOnlyList<ExecManifest> execTools)
    {
        await using var cluster = await BenchCluster.StartAsync(agents: 2, slots: 16, execTools: execTools);
        await RunAsync(cluster, body, 200);
        var clock = Stopwatch.StartNew();
        await RunAsync(cluster, body, jobs);
        return jobs / clock.Elapsed.TotalSeconds;
    }

    private static async Task RunAsync(BenchCluster cluster, string body, int jobs)
    {
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= jobs)
            {
                await cluster.SubmitAsync(body);
            }
        })));
        await cluster.WaitIdleAsync();
    }
}
