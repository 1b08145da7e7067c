using System.Diagnostics;
using System.Globalization;

namespace EdgeJobs.Bench.EndToEnd;

/// <summary>
/// Where end-to-end time goes: the no-op workload with durable commits (the product default) and with
/// synchronous=NORMAL (still crash-safe in WAL mode, not power-loss safe), one pass each.
/// `dotnet run -c Release --project bench/EdgeJobs.Bench -- throughput`.
/// </summary>
internal static class ThroughputProbe
{
    public static async Task RunAsync(int jobs = 3000)
    {
        foreach (var durable in new[] { true, false })
        {
            await using var cluster = await BenchCluster.StartAsync(agents: 2, slots: 16, durable);
            await RunOnceAsync(cluster, 200);
            var clock = Stopwatch.StartNew();
            await RunOnceAsync(cluster, jobs);
            var seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"no-op jobs end to end, {(durable ? "synchronous=FULL " : "synchronous=NORMAL")}: {jobs / seconds:0} jobs/s ({jobs} in {seconds:0.00} s)"));
        }
    }

    private static async Task RunOnceAsync(BenchCluster cluster, int jobs)
    {
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= jobs)
            {
                await cluster.SubmitAsync(0);
            }
        })));
        await cluster.WaitIdleAsync();
    }
}
