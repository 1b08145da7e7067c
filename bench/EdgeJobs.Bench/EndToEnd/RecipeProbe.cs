using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace EdgeJobs.Bench.EndToEnd;

/// <summary>
/// Recipes against plain jobs, in one run on one machine: step-to-step latency (a step's tool returns → the next
/// step's tool starts on an idle agent) beside a plain job's submit → start; and a 1,000-step fan-out (one step feeding
/// 999 independent no-op steps) to completion beside 1,000 plain no-op jobs submitted at once (32 REST clients).
/// `dotnet run -c Release --project bench/EdgeJobs.Bench -- recipes`.
/// </summary>
internal static class RecipeProbe
{
    public static async Task RunAsync(int chains = 300, int fanOut = 1000)
    {
        // CHAINS 0: the fan-out alone (to profile it).
        await using (var cluster = chains > 0 ? await BenchCluster.StartAsync(agents: 1, slots: 4) : null)
        {
            var plain = new List<double>(chains);
            var stepToStep = new List<double>(chains);
            for (var i = 0; cluster is not null && i < chains + 20; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                var id = await cluster.SubmitAsync(0);
                while (!cluster.Started.ContainsKey(id))
                {
                    await Task.Yield();
                }

                var submitToStart = Stopwatch.GetElapsedTime(t0, cluster.Started[id]).TotalMilliseconds;
                await cluster.WaitIdleAsync();

                var recipe = await cluster.SubmitAsync("""
                    {"recipe":{"name":"chain","version":"1","steps":[{"id":"a","tool":"sleep","params":{"seconds":0}},
                     {"id":"b","tool":"sleep","params":{"seconds":0},"depends_on":["a"]}]}}
                    """);
                await cluster.WaitIdleAsync();
                var steps = await cluster.Server.Ledger.GetStepsAsync(recipe);
                var (a, b) = (steps[0].Job!.Id, steps[1].Job!.Id);
                if (i >= 20)
                {
                    plain.Add(submitToStart);
                    stepToStep.Add(Stopwatch.GetElapsedTime(cluster.Ended[a], cluster.Started[b]).TotalMilliseconds);
                }
            }

            if (chains > 0)
            {
                LatencyProbe.Report("plain job submit-to-start (idle agent)", plain);
                LatencyProbe.Report("step-to-step (step a's tool returns → step b's tool starts, idle agent)", stepToStep);
            }
        }

        await using (var cluster = await BenchCluster.StartAsync(agents: 2, slots: 16))
        {
            // Warm-up, then each shape timed once.
            await ThroughputProbe.SubmitAsync(cluster, 200);
            await cluster.WaitIdleAsync();
            var steps = new StringBuilder("""{"recipe":{"name":"fan-out","version":"1","steps":[{"id":"root","tool":"sleep","params":{"seconds":0}}""");
            for (var i = 1; i < fanOut; i++)
            {
                steps.Append(CultureInfo.InvariantCulture, $$""",{"id":"leaf{{i}}","tool":"sleep","params":{"seconds":0},"depends_on":["root"]}""");
            }

            steps.Append("]}}");
            var body = steps.ToString();

            var plainClock = Stopwatch.StartNew();
            await ThroughputProbe.SubmitAsync(cluster, fanOut);
            await cluster.WaitIdleAsync();
            var plainSeconds = plainClock.Elapsed.TotalSeconds;

            var t0 = Stopwatch.GetTimestamp();
            var recipeJob = await cluster.SubmitAsync(body);
            var submitted = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            await cluster.WaitIdleAsync();
            var recipeSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            var stepJobs = (await cluster.Server.Ledger.GetStepsAsync(recipeJob)).Select(s => s.Job!.Id).ToList();
            double At(long stamp) => Stopwatch.GetElapsedTime(t0, stamp).TotalMilliseconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  fan-out phases (ms after submit): answered {submitted:0}, root started {At(cluster.Started[stepJobs[0]]):0}, root returned {At(cluster.Ended[stepJobs[0]]):0}, first leaf started {stepJobs.Skip(1).Min(id => At(cluster.Started[id])):0}, last leaf returned {stepJobs.Skip(1).Max(id => At(cluster.Ended[id])):0}, recipe job ended {recipeSeconds * 1000:0}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{fanOut} plain no-op jobs submitted at once: {plainSeconds:0.000} s; a {fanOut}-step fan-out recipe (1 → {fanOut - 1}): {recipeSeconds:0.000} s; ratio {recipeSeconds / plainSeconds:0.00}x (target ≤ 1.3x)"));
        }
    }
}
