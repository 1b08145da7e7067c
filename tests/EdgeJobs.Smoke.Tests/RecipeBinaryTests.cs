using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Smoke.Tests;

/// <summary>Recipe jobs on the published binaries: a coordinator killed mid-recipe, and the README's CLI walk.</summary>
public class RecipeBinaryTests
{
    private static readonly string[] s_fastLeases = ["--lease-ttl", "2s", "--heartbeat-interval", "0.3s"];

    /// <summary>a → (b, c) → d, each a short sleep: steps are being made and ended while the coordinator dies.</summary>
    private static string Diamond(int i) => $$$"""
        {"recipe":{"name":"diamond","version":"1","steps":[
          {"id":"a","tool":"sleep","params":{"seconds":{{{(0.05 + (i % 4 * 0.05)).ToString(CultureInfo.InvariantCulture)}}}}},
          {"id":"b","tool":"sleep","params":{"seconds":0.1},"depends_on":["a"]},
          {"id":"c","tool":"sleep","params":{"seconds":0.05},"depends_on":["a"]},
          {"id":"d","tool":"sleep","params":{"seconds":0.05},"depends_on":["b","c"]}]}}
        """;

    [Test]
    public async Task killing_the_coordinator_mid_recipe_loses_no_step_and_runs_none_twice()
    {
        await using var coordinator = new CoordinatorProcess(s_fastLeases);
        await coordinator.StartAsync();
        await using var a = coordinator.StartAgent("a", 3);
        await using var b = coordinator.StartAgent("b", 3);
        var ids = new List<long>();
        for (var i = 0; i < 40; i++)
        {
            using var content = new StringContent(Diamond(i), Encoding.UTF8, "application/json");
            using var response = await coordinator.Http.PostAsync("v1/jobs", content);
            await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
            ids.Add(JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), RestJson.Lenient.JobDto)!.Id);
        }

        await coordinator.WaitAsync(ids[8], CoordinatorProcess.Ended, TimeSpan.FromSeconds(30));
        coordinator.Process!.KillHard();
        await Task.Delay(500);
        await coordinator.StartAsync();

        foreach (var id in ids)
        {
            var job = await coordinator.WaitAsync(id, CoordinatorProcess.Ended, TimeSpan.FromSeconds(90));
            await Assert.That(job.Status).IsEqualTo("completed");
            await Assert.That(job.Steps!.Select(s => s.Status).Distinct().ToArray()).IsEquivalentTo(new[] { "completed" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
            foreach (var step in job.Steps!)
            {
                // One step job per step, which completed exactly once.
                var events = await coordinator.EventsAsync(step.JobId!.Value);
                await Assert.That(events.Count(e => e.Reason == "succeeded")).IsEqualTo(1);
            }

            var recipeEvents = await coordinator.EventsAsync(id);
            await Assert.That(recipeEvents.Count(e => e.To == "completed")).IsEqualTo(1);
        }

        var (_, perStep, _) = await Binary.RunAsync("sqlite3", [Path.Combine(coordinator.DataDir, "ledger.db"),
            "SELECT count(*) FROM (SELECT parent_id, step_id FROM jobs WHERE step_id IS NOT NULL GROUP BY parent_id, step_id HAVING count(*) > 1);"]);
        await Assert.That(perStep.Trim()).IsEqualTo("0");
        await Assert.That(await coordinator.IntegrityCheckAsync()).IsEqualTo("ok");
    }

    [Test]
    public async Task the_readme_s_recipe_walk_runs_on_the_cli()
    {
        await using var coordinator = new CoordinatorProcess();
        await coordinator.StartAsync();
        await using var agent = coordinator.StartAgent("a", 2);
        var env = new Dictionary<string, string>
        {
            ["EDGEJOBS_URL"] = $"http://127.0.0.1:{coordinator.HttpPort}",
            ["EDGEJOBS_TOKEN_FILE"] = Path.Combine(coordinator.DataDir, "admin.token"),
        };
        var file = Path.Combine(coordinator.DataDir, "naps.json");
        await File.WriteAllTextAsync(file, """
            {"name": "naps", "version": "1", "steps": [
              {"id": "first", "tool": "sleep", "params": {"seconds": "{param:seconds}"}},
              {"id": "second", "tool": "sleep", "params": {"seconds": 0.1}, "depends_on": ["first"]}]}
            """);

        var created = await Binary.RunAsync(Binary.EdgeJobs, ["recipes", "create", file], env);
        var again = await Binary.RunAsync(Binary.EdgeJobs, ["recipes", "create", file], env);
        var submitted = await Binary.RunAsync(Binary.EdgeJobs, ["submit", "--recipe-id", created.Stdout.Trim(), "--param", "first.seconds=0.2", "--wait"], env);
        var id = submitted.Stdout.Split(' ')[0];
        var shown = await Binary.RunAsync(Binary.EdgeJobs, ["jobs", "get", id], env);
        var listed = await Binary.RunAsync(Binary.EdgeJobs, ["recipes", "ls"], env);
        var bad = await Binary.RunAsync(Binary.EdgeJobs, ["submit", "sleep", "--recipe-id", "1"], env);
        var badParam = await Binary.RunAsync(Binary.EdgeJobs, ["submit", "--recipe-id", created.Stdout.Trim(), "--param", "seconds=1"], env);

        await Assert.That(created.Exit).IsEqualTo(0).Because(created.Stderr);
        await Assert.That(again.Stdout.Trim()).IsEqualTo(created.Stdout.Trim());
        await Assert.That(submitted.Exit).IsEqualTo(0).Because(submitted.Stderr);
        await Assert.That(submitted.Stdout).Contains("completed");
        await Assert.That(submitted.Stderr).Contains("first:");
        await Assert.That(shown.Stdout).Contains("naps v1");
        await Assert.That(shown.Stdout).Contains("second");
        await Assert.That(listed.Stdout).Contains("first(sleep) second(sleep)");
        await Assert.That(bad.Exit).IsEqualTo(2);
        await Assert.That(badParam.Exit).IsEqualTo(2);
    }

    [Test]
    public async Task a_bad_webhook_allow_list_is_a_usage_error_naming_the_flag()
    {
        var (exit, _, stderr) = await Binary.RunAsync(Binary.EdgeJobs, ["coordinator", "--data-dir", Path.Combine(Path.GetTempPath(), "never-made"), "--webhook-allow", "hooks example/org"]);

        await Assert.That(exit).IsEqualTo(2);
        await Assert.That(stderr).Contains("--webhook-allow");
    }
}
