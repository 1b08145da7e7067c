using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace EdgeJobs.Bench.EndToEnd;

/// <summary>
/// The no-op workload through the product itself: the published Native-AOT `dist/edgejobs up` (durable
/// commits, its embedded agent) in its own process, jobs submitted over REST by 32 concurrent clients from
/// this one, timed from the first submit until no job is active. No JIT warm-up in the measured process,
/// unlike the in-process probes. `dotnet run -c Release --project bench/EdgeJobs.Bench -- throughput-binary [JOBS] [SLOTS]`.
/// </summary>
internal static class BinaryThroughputProbe
{
    public static async Task RunAsync(int jobs, int slots)
    {
        var binary = Path.Combine(RepositoryRoot(), "dist", "edgejobs");
        if (!File.Exists(binary))
        {
            throw new FileNotFoundException($"{binary} is missing: run scripts/publish first");
        }

        var dir = Path.Combine(Path.GetTempPath(), "edgejobs-bench", Guid.NewGuid().ToString("N"));
        var port = FreePort();
        using var up = Process.Start(new ProcessStartInfo(binary)
        {
            ArgumentList = { "up", "--data-dir", Path.Combine(dir, "data"), "--http", $"127.0.0.1:{port}", "--link", $"127.0.0.1:{FreePort()}",
                "--local-agent-slots", slots.ToString(CultureInfo.InvariantCulture), "--log-level", "warning" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            await WaitReadyAsync(http);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(Path.Combine(dir, "data", "admin.token"))).Trim());

            await RunOnceAsync(http, 500);
            var clock = Stopwatch.StartNew();
            await RunOnceAsync(http, jobs);
            var seconds = clock.Elapsed.TotalSeconds;
            up.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"no-op jobs end to end through dist/edgejobs up (AOT, durable, {slots} local slots): {jobs / seconds:0} jobs/s ({jobs} in {seconds:0.00} s)"));
        }
        finally
        {
            up.Kill();
            await up.WaitForExitAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task RunOnceAsync(HttpClient http, int jobs)
    {
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
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

    private static async Task WaitReadyAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var ready = await http.GetAsync("readyz");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            await Task.Delay(20);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
