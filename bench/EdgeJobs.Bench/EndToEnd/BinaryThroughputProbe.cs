using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace EdgeJobs.Bench.EndToEnd;

/// <summary>
/// The no-op workload through the product itself: the published Native-AOT `dist/edgejobs up` (durable
/// commits, its embedded agent) in its own process, jobs submitted over REST by concurrent clients (32 by default) from
/// this one, timed from the first submit until no job is active; then the two halves apart (submits with no
/// agent attached, then a separate `dist/edgejobs-agent` draining the queue they left), each with the CPU
/// the coordinator and the clients spent per job. No JIT warm-up in the measured process, unlike the
/// in-process probes. `dotnet run -c Release --project bench/EdgeJobs.Bench -- throughput-binary [JOBS] [SLOTS] [CLIENTS]`.
/// </summary>
internal static class BinaryThroughputProbe
{
    /// <param name="jobs">Jobs per measured run.</param>
    /// <param name="slots">The embedded agent's slots (and the separate agent's).</param>
    /// <param name="clients">Concurrent REST clients, each with one submit in flight.</param>
    public static async Task RunAsync(int jobs, int slots, int clients)
    {
        var root = RepositoryRoot();
        var binary = Path.Combine(root, "dist", "edgejobs");
        var agentBinary = Path.Combine(root, "dist", "edgejobs-agent");
        if (!File.Exists(binary) || !File.Exists(agentBinary))
        {
            throw new FileNotFoundException($"{binary} or {agentBinary} is missing: run scripts/publish first");
        }

        // End to end: submits and the embedded agent's work overlap, as in production.
        await using (var up = await UpProcess.StartAsync(binary, slots))
        {
            // Warm-up: the clients here run JIT-compiled code, and a cold HttpClient costs the shared CPUs more.
            await SubmitAsync(up.Http, Math.Min(jobs, 5000), clients);
            await WaitIdleAsync(up.Http);
            var cpu = up.CpuSnapshot();
            var clock = Stopwatch.StartNew();
            await SubmitAsync(up.Http, jobs, clients);
            var submitted = clock.Elapsed.TotalSeconds;
            await WaitIdleAsync(up.Http);
            var seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"no-op jobs end to end through dist/edgejobs up (AOT, durable, {slots} local slots, {clients} clients): {jobs / seconds:0} jobs/s ({jobs} in {seconds:0.00} s, the last submit answered at {submitted:0.00} s); {cpu.PerJob(jobs)}"));
        }

        // The halves apart: submits with no agent attached (the whole run queued at once, so a quota that
        // fits it), then an edgejobs-agent process draining that queue.
        var quota = jobs.ToString(CultureInfo.InvariantCulture);
        await using (var up = await UpProcess.StartAsync(binary, slots: 0, "--max-active-per-owner", quota, "--max-active-per-tool", quota, "--max-active-jobs", quota))
        {
            var cpu = up.CpuSnapshot();
            var clock = Stopwatch.StartNew();
            await SubmitAsync(up.Http, jobs, clients);
            var submitSeconds = clock.Elapsed.TotalSeconds;
            var submitCpu = cpu.PerJob(jobs);
            cpu = up.CpuSnapshot();
            clock.Restart();
            using var agent = up.StartAgent(agentBinary, slots);
            await WaitIdleAsync(up.Http);
            var drainSeconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  of which: submit alone {jobs / submitSeconds:0} jobs/s ({submitCpu}); grant → finish alone (queue full, dist/edgejobs-agent connects) {jobs / drainSeconds:0} jobs/s ({cpu.PerJob(jobs)})"));
            agent.Kill();
        }
    }

    private static async Task SubmitAsync(HttpClient http, int jobs, int clients)
    {
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= jobs)
            {
                while (true)
                {
                    using var body = new StringContent("{\"tool\":\"sleep\",\"force\":true,\"params\":{\"seconds\":0}}", Encoding.UTF8, "application/json");
                    using var response = await http.PostAsync("v1/jobs", body);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        break;
                    }

                    // A queue deeper than the owner's quota of active jobs: back off as a client should.
                    if (response.StatusCode != HttpStatusCode.TooManyRequests)
                    {
                        throw new InvalidOperationException($"submit answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    }

                    await Task.Delay(20);
                }
            }
        })));
    }

    private static async Task WaitIdleAsync(HttpClient http)
    {
        // Idle when the list of active jobs (the default filter) is empty.
        while (true)
        {
            var page = await http.GetStringAsync("v1/jobs?limit=1");
            if (page.Contains("\"jobs\":[]", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(5);
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EdgeJobs.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? ".";
    }
}
