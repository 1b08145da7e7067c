using System.Net;
using System.Text;

namespace EdgeJobs.Smoke.Tests;

/// <summary>Exec tools in the published (Native AOT) agent: a bad manifest stops it at start; a stop kills a program's whole group.</summary>
[NotInParallel("edgejobs-binary")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class ExecToolBinaryTests
{
    /// <summary>Gone, or a zombie waiting for init to reap it.</summary>
    private static bool Gone(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1][0] is 'Z' or 'X';
        }
        catch (IOException)
        {
            return true;
        }
    }

    [Test]
    public async Task a_bad_manifest_stops_the_agent_at_start_naming_file_and_line()
    {
        var dir = Directory.CreateTempSubdirectory("edgejobs-smoke-tools-").FullName;
        try
        {
            var manifest = Path.Combine(dir, "broken.json");
            await File.WriteAllTextAsync(manifest, "{\n  \"id\": \"broken\",\n  \"version\": \"1\",\n  \"title\": \"Broken\",\n  \"params_schema\": {\"type\": \"object\"},\n  \"argv\": [\"true\", \"{nope}\"]\n}\n");

            var run = await Binary.RunAsync(Binary.EdgeJobsAgent, ["--coordinator", "127.0.0.1:1", "--token-file", "/dev/null", "--tools-dir", dir, "--work-dir", Path.Combine(dir, "work")]);

            await Assert.That(run.Exit).IsEqualTo(1);
            await Assert.That(run.Stderr).Contains(manifest + ":6: argv: '{nope}' names no param");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public async Task a_stop_ends_a_program_that_ignores_sigterm_and_its_children()
    {
        await using var coordinator = new CoordinatorProcess("--lease-ttl", "2s", "--heartbeat-interval", "0.3s");
        await coordinator.StartAsync();
        var tools = Path.Combine(coordinator.DataDir, "tools");
        Directory.CreateDirectory(tools);
        await File.WriteAllTextAsync(Path.Combine(tools, "stubborn.json"), """
            {"id": "stubborn", "version": "1", "title": "Ignores SIGTERM", "kill_grace_s": 1,
             "params_schema": {"type": "object", "additionalProperties": false},
             "argv": ["sh", "-c", "trap '' TERM; sleep 1000 & echo child=$!; echo pid=$$; while :; do sleep 0.2; done"]}
            """);
        await using var agent = coordinator.StartAgent("exec", 1, environment: new Dictionary<string, string> { ["EDGEJOBS_TOOLS_DIR"] = tools });
        long id = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (id == 0)
        {
            using var content = new StringContent("""{"tool":"stubborn","params":{}}""", Encoding.UTF8, "application/json");
            using var response = await coordinator.Http.PostAsync("v1/jobs", content);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                id = long.Parse(body[(body.IndexOf("\"id\":", StringComparison.Ordinal) + 5)..].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the agent's exec tool never reached the catalog: {body}\n{agent.Output}");
            }
            else
            {
                await Task.Delay(50); // the agent has not said Hello yet
            }
        }

        var pids = new List<int>();
        var logDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (pids.Count < 2)
        {
            var log = await coordinator.Http.GetStringAsync($"v1/jobs/{id}/log");
            pids = [.. System.Text.RegularExpressions.Regex.Matches(log, "\"(?:child|pid)=([0-9]+)\"").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];
            await Assert.That(DateTime.UtcNow).IsLessThan(logDeadline);
            await Task.Delay(50);
        }

        using var stop = await coordinator.Http.PostAsync($"v1/jobs/{id}/stop", null);
        var job = await coordinator.WaitAsync(id, CoordinatorProcess.Ended, TimeSpan.FromSeconds(30));

        await Assert.That(job.Status).IsEqualTo("stopped");
        foreach (var pid in pids)
        {
            await Assert.That(Gone(pid)).IsTrue().Because($"pid {pid} must be gone");
        }
    }
}
