using System.Diagnostics;
using System.Globalization;

namespace EdgeJobs.Bench.EndToEnd;

/// <summary>
/// Latency percentiles BenchmarkDotNet does not report: submit-to-start with an idle agent (from the
/// REST submit to the tool starting on the agent), and stop-to-stopped (from the REST stop to the
/// ledger saying stopped). `dotnet run -c Release --project bench/EdgeJobs.Bench -- latency`.
/// </summary>
internal static class LatencyProbe
{
    public static async Task RunAsync(int submits = 500, int stops = 100)
    {
        await using var cluster = await BenchCluster.StartAsync(agents: 1, slots: 4);
        for (var i = 0; i < 20; i++)
        {
            await RunOneAsync(cluster); // warm-up
        }

        var startLatencies = new List<double>(submits);
        for (var i = 0; i < submits; i++)
        {
            startLatencies.Add(await RunOneAsync(cluster));
        }

        var stopLatencies = new List<double>(stops);
        for (var i = 0; i < stops; i++)
        {
            var id = await cluster.SubmitAsync(60);
            while (!cluster.Started.ContainsKey(id))
            {
                await Task.Delay(1);
            }

            var t0 = Stopwatch.GetTimestamp();
            using (await cluster.Http.PostAsync($"v1/jobs/{id}/stop", null))
            {
            }

            while ((await cluster.Server.Ledger.GetJobAsync(id))!.State != (int)EdgeJobs.Protocol.Jobs.JobState.Stopped)
            {
                await Task.Delay(1);
            }

            stopLatencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }

        Report("submit-to-start (idle agent)", startLatencies);
        Report("stop-to-stopped", stopLatencies);
    }

    private static async Task<double> RunOneAsync(BenchCluster cluster)
    {
        var t0 = Stopwatch.GetTimestamp();
        var id = await cluster.SubmitAsync(0);
        while (!cluster.Started.TryGetValue(id, out _))
        {
            await Task.Yield();
        }

        var latency = Stopwatch.GetElapsedTime(t0, cluster.Started[id]).TotalMilliseconds;
        await cluster.WaitIdleAsync();
        return latency;
    }

    /// <summary>Prints p50, p90, p99 and the maximum of <paramref name="samples"/> (milliseconds).</summary>
    public static void Report(string what, List<double> samples)
    {
        samples.Sort();
        double P(double p) => samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(p * samples.Count) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: n={samples.Count} p50={P(0.50):0.00} ms p90={P(0.90):0.00} ms p99={P(0.99):0.00} ms max={samples[^1]:0.00} ms"));
    }
}
