using System.Diagnostics;
using System.Globalization;

namespace EdgeJobs.Bench.EndToEnd;

/// <summary>
/// Where end-to-end time goes: the no-op workload with durable commits (the product default) and with
/// synchronous=NORMAL (still crash-safe in WAL mode, not power-loss safe), one pass each; then the two halves
/// apart (submits alone, then agents draining the queue they left), which shows whether a deep queue slows
/// granting. `dotnet run -c Release --project bench/EdgeJobs.Bench -- throughput [JOBS]`.
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

        // The two halves apart, durable: submits with no agent connected, then agents draining that queue.
        await using var split = await BenchCluster.StartAsync(agents: 0, slots: 16);
        var submitClock = Stopwatch.StartNew();
        await SubmitAsync(split, jobs);
        var submitSeconds = submitClock.Elapsed.TotalSeconds;
        var drainClock = Stopwatch.StartNew();
        await split.AddAgentsAsync(2, 16);
        await split.WaitIdleAsync();
        var drainSeconds = drainClock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  of which: submit alone {jobs / submitSeconds:0} jobs/s; grant → finish alone (queue full, agents connect) {jobs / drainSeconds:0} jobs/s"));
    }

    /// <summary>Submits <paramref name="jobs"/> no-op jobs from 32 concurrent REST clients.</summary>
    public static Task SubmitAsync(BenchCluster cluster, int jobs)
    {
        var next = 0;
        return Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= jobs)
            {
                await cluster.SubmitAsync(0);
            }
        })));
    }

    private static async Task RunOnceAsync(BenchCluster cluster, int jobs)
    {
        await SubmitAsync(cluster, jobs);
        await cluster.WaitIdleAsync();
    }
}
