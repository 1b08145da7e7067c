using System.Diagnostics;
using System.Net;

namespace EdgeJobs.Smoke.Tests;

/// <summary>
/// The published edgejobs binary: started on loopback, driven through its own client verbs and raw
/// HTTP, and stopped with SIGTERM. Also its shape: one file, only the C library family linked.
/// </summary>
[NotInParallel("edgejobs-binary")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class CoordinatorBinaryTests
{
    [Test]
    public async Task the_binary_links_only_the_c_library_family()
    {
        var (exit, stdout, _) = await Binary.RunAsync("ldd", [Binary.EdgeJobs]);
        await Assert.That(exit).IsEqualTo(0);
        var libraries = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(' ')[0])
            .Where(l => !l.StartsWith("linux-vdso", StringComparison.Ordinal))
            .ToArray();
        foreach (var library in libraries)
        {
            await Assert.That(library).Matches(@"^(/lib64/)?(ld-linux-x86-64|ld-linux-aarch64|libc|libm|libdl|libpthread|librt)\.so\.\d+$");
        }

        await Assert.That(stdout).DoesNotContain("sqlite");
    }

    [Test]
    [Arguments("coordinator")]
    [Arguments("up")]
    [Arguments("token")]
    [Arguments("submit")]
    [Arguments("jobs")]
    [Arguments("tools")]
    [Arguments("nodes")]
    [Arguments("ds")]
    [Arguments("recipes")]
    [Arguments("allocations")]
    [Arguments("slurm")]
    public async Task every_verb_has_help(string verb)
    {
        var (exit, stdout, _) = await Binary.RunAsync(Binary.EdgeJobs, [verb, "--help"]);
        await Assert.That(exit).IsEqualTo(0);
        await Assert.That(stdout).Contains("usage: edgejobs");
    }

    [Test]
    public async Task shell_completion_is_answered_by_the_published_binaries()
    {
        var script = await Binary.RunAsync(Binary.EdgeJobs, ["completion", "bash"]);
        await Assert.That(script.Exit).IsEqualTo(0);
        await Assert.That(script.Stdout).Contains("complete -o default -F _edgejobs_complete edgejobs");

        var verbs = await Binary.RunAsync(Binary.EdgeJobs, ["[suggest:11]", "edgejobs jo"]);
        await Assert.That(verbs.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)).IsEquivalentTo(["jobs"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        var values = await Binary.RunAsync(Binary.EdgeJobsAgent, ["[suggest:28]", "edgejobs-agent --log-format "]);
        await Assert.That(values.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)).IsEquivalentTo(["json", "text"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task an_unknown_verb_or_flag_is_a_usage_error()
    {
        var verb = await Binary.RunAsync(Binary.EdgeJobs, ["frobnicate"]);
        var flag = await Binary.RunAsync(Binary.EdgeJobs, ["coordinator", "--data-dir", "/tmp/x", "--htp", "1"]);
        await Assert.That(verb.Exit).IsEqualTo(2);
        await Assert.That(flag.Exit).IsEqualTo(2);
        await Assert.That(flag.Stderr).Contains("--htp");
    }

    private static int CountJobs(string listJson)
    {
        using var document = System.Text.Json.JsonDocument.Parse(listJson);
        return document.RootElement.GetProperty("jobs").GetArrayLength();
    }

    [Test]
    public async Task the_coordinator_starts_serves_the_cli_and_stops_cleanly_on_sigterm()
    {
        var data = Path.Combine(Path.GetTempPath(), "edgejobs-smoke", Guid.NewGuid().ToString("N"));
        var port = Binary.FreePort();
        var url = $"http://127.0.0.1:{port}";
        var info = new ProcessStartInfo(Binary.EdgeJobs) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "coordinator", "--data-dir", data, "--http", $"127.0.0.1:{port}", "--link", $"127.0.0.1:{Binary.FreePort()}", "--log-format", "json" })
        {
            info.ArgumentList.Add(a);
        }

        var started = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            while (true)
            {
                try
                {
                    using var ready = await http.GetAsync("readyz");
                    if (ready.StatusCode == HttpStatusCode.OK)
                    {
                        break;
                    }
                }
                catch (HttpRequestException) when (started.Elapsed < TimeSpan.FromSeconds(20))
                {
                    await Task.Delay(10);
                }
            }

            var env = new Dictionary<string, string> { ["EDGEJOBS_URL"] = url, ["EDGEJOBS_TOKEN_FILE"] = Path.Combine(data, "admin.token") };
            var adminMode = File.GetUnixFileMode(Path.Combine(data, "admin.token"));
            await Assert.That(adminMode).IsEqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite);

            var submit = await Binary.RunAsync(Binary.EdgeJobs, ["submit", "sleep", "--param", "seconds=0.5"], env);
            await Assert.That(submit.Exit).IsEqualTo(0);
            var id = submit.Stdout.Trim();
            await Assert.That(long.TryParse(id, out _)).IsTrue();

            var again = await Binary.RunAsync(Binary.EdgeJobs, ["submit", "sleep", "--param", "seconds=0.5"], env);
            await Assert.That(again.Stdout.Trim()).IsEqualTo(id);
            await Assert.That(again.Stderr).Contains("already exists");

            var list = await Binary.RunAsync(Binary.EdgeJobs, ["jobs", "ls"], env);
            await Assert.That(list.Stdout).Contains("scheduled");
            var json = await Binary.RunAsync(Binary.EdgeJobs, ["jobs", "get", id, "--json"], env);
            await Assert.That(json.Stdout).Contains("\"status\": \"scheduled\"");

            var bad = await Binary.RunAsync(Binary.EdgeJobs, ["submit", "sleep", "--param", "seconds=-2"], env);
            await Assert.That(bad.Exit).IsEqualTo(1);
            await Assert.That(bad.Stderr).Contains("$.params.seconds");

            var active = await Binary.RunAsync(Binary.EdgeJobs, ["jobs", "rm", id], env);
            await Assert.That(active.Exit).IsEqualTo(1);
            await Assert.That(active.Stderr).Contains("job_active");
            var stop = await Binary.RunAsync(Binary.EdgeJobs, ["jobs", "stop", id], env);
            await Assert.That(stop.Stdout.Trim()).IsEqualTo($"{id} stopped");
            var rm = await Binary.RunAsync(Binary.EdgeJobs, ["jobs", "rm", id], env);
            await Assert.That(rm.Exit).IsEqualTo(0);

            // The answer to a submit is lost on the way back: the CLI retries with the same
            // Idempotency-Key and gets the job that did land, not a second one.
            await using (var proxy = new TcpProxy(port, dropFirstAnswer: true))
            {
                var before = await Binary.RunAsync(Binary.EdgeJobs, ["jobs", "ls", "--status", "all", "--json"], env);
                var lossyEnv = new Dictionary<string, string>(env) { ["EDGEJOBS_URL"] = $"http://127.0.0.1:{proxy.Port}" };
                var retried = await Binary.RunAsync(Binary.EdgeJobs, ["submit", "sleep", "--param", "seconds=7", "--force"], lossyEnv);
                var after = await Binary.RunAsync(Binary.EdgeJobs, ["jobs", "ls", "--status", "all", "--json"], env);
                await Assert.That(retried.Exit).IsEqualTo(0);
                await Assert.That(proxy.DroppedAnswers).IsEqualTo(1);
                await Assert.That(CountJobs(after.Stdout)).IsEqualTo(CountJobs(before.Stdout) + 1);
                await Assert.That(after.Stdout).Contains($"\"id\": {retried.Stdout.Trim()}");
            }

            // The scrape an operator's Prometheus makes, under AOT (its ledger reads are source-generated).
            using (var scrape = new HttpRequestMessage(HttpMethod.Get, "metrics"))
            {
                scrape.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(Path.Combine(data, "admin.token"))).Trim());
                using var metrics = await http.SendAsync(scrape);
                var text = await metrics.Content.ReadAsStringAsync();
                await Assert.That(metrics.StatusCode).IsEqualTo(HttpStatusCode.OK);
                await Assert.That(text).Contains("edgejobs_jobs_active{state=\"scheduled\"} 1\n");
                await Assert.That(text).Contains("edgejobs_jobs_active_by_tool{tool=\"sleep\"} 1\n");
            }

            // Refusals change nothing: the name stays free for the valid call below.
            foreach (var (flag, value) in new[]
                {
                    ("--org", "Not An Org"), ("--org", "-x"), ("--scopes", "jobs:everything"), ("--name", "a b"),
                    ("--datasets", ","), ("--datasets", "survey,../etc"), ("--datasets", "Survey Two"), ("--datasets", "a/b"),
                })
            {
                var valid = new Dictionary<string, string> { ["--scopes"] = "jobs:read", ["--name"] = "dashboard", ["--org"] = "acme", [flag] = value };
                string[] args = ["token", "create", "--data-dir", data, .. valid.SelectMany(f => new[] { f.Key, f.Value })];
                var refused = await Binary.RunAsync(Binary.EdgeJobs, args);
                await Assert.That(refused.Exit).IsEqualTo(2).Because($"{flag} {value}");
                await Assert.That(refused.Stdout).IsEmpty();
                await Assert.That(refused.Stderr).Contains(flag);
            }

            var token = await Binary.RunAsync(Binary.EdgeJobs, ["token", "create", "--data-dir", data, "--scopes", "jobs:read", "--name", "dashboard", "--org", "acme"]);
            await Assert.That(token.Exit).IsEqualTo(0);
            await Assert.That(token.Stderr).Contains("in org 'acme'");
            var readerEnv = new Dictionary<string, string> { ["EDGEJOBS_URL"] = url, ["EDGEJOBS_TOKEN"] = token.Stdout.Trim() };
            var readerList = await Binary.RunAsync(Binary.EdgeJobs, ["jobs", "ls", "--status", "all"], readerEnv);
            await Assert.That(readerList.Exit).IsEqualTo(0);
            var readerSubmit = await Binary.RunAsync(Binary.EdgeJobs, ["submit", "sleep", "--param", "seconds=1"], readerEnv);
            await Assert.That(readerSubmit.Stderr).Contains("403 forbidden");
        }
        finally
        {
            if (!process.HasExited)
            {
                // SIGTERM, as systemd sends it.
                await Binary.RunAsync("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            }
        }

        using var exitWait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await process.WaitForExitAsync(exitWait.Token);
        await Assert.That(process.ExitCode).IsEqualTo(0);
        var log = await stdout;
        await Assert.That(log).Contains("\"Message\"");
        await Assert.That(log).Contains("listening on");
        Directory.Delete(data, recursive: true);
    }
}
