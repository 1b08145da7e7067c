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

    /// <summary>README "Recipes: multi-step jobs", its commands as written: reproject then build, an input, a param, an output.</summary>
    [Test]
    public async Task the_readme_s_recipe_walk_runs_on_the_cli()
    {
        await using var coordinator = new CoordinatorProcess("--local-agent-slots", "2");
        var samples = Environment.GetEnvironmentVariable("EDGEJOBS_SAMPLES") ?? Path.Combine(Binary.Dist, "..", "samples");
        Directory.CreateDirectory(Path.Combine(coordinator.DataDir, "data", "landsat"));
        File.Copy(Path.Combine(samples, "L7_ETMs.tif"), Path.Combine(coordinator.DataDir, "data", "landsat", "L7_ETMs.tif"));
        await coordinator.StartAsync();
        var env = new Dictionary<string, string>
        {
            ["EDGEJOBS_URL"] = $"http://127.0.0.1:{coordinator.HttpPort}",
            ["EDGEJOBS_TOKEN_FILE"] = Path.Combine(coordinator.DataDir, "admin.token"),
        };
        var file = Path.Combine(coordinator.DataDir, "reproject-then-build.json");
        await File.WriteAllTextAsync(file, """
            {"name": "reproject-then-build", "version": "1", "steps": [
              {"id": "reproject", "tool": "reproject", "params": {"path": "input:scene"}, "param_keys": ["crs"]},
              {"id": "build", "tool": "build", "params": {"path": "step:reproject.output", "overviews": 3}}]}
            """);

        var created = await Binary.RunAsync(Binary.EdgeJobs, ["recipes", "create", file], env);
        var again = await Binary.RunAsync(Binary.EdgeJobs, ["recipes", "create", file], env);
        var submitted = await Binary.RunAsync(Binary.EdgeJobs, ["submit", "--recipe-id", created.Stdout.Trim(), "--input", "scene=landsat/L7_ETMs.tif",
            "--param", "reproject.crs=EPSG:3857", "--output", "step:build.output=results/L7.cog.tif", "--wait"], env);
        var id = submitted.Stdout.Split(' ')[0];
        var shown = await Binary.RunAsync(Binary.EdgeJobs, ["jobs", "get", id], env);
        var listed = await Binary.RunAsync(Binary.EdgeJobs, ["recipes", "ls"], env);
        var output = Path.Combine(coordinator.DataDir, "data", "results", "L7.cog.tif");
        var info = await Binary.RunAsync("gdalinfo", ["-json", output]);
        var bad = await Binary.RunAsync(Binary.EdgeJobs, ["submit", "sleep", "--recipe-id", "1"], env);
        var badParam = await Binary.RunAsync(Binary.EdgeJobs, ["submit", "--recipe-id", created.Stdout.Trim(), "--input", "scene=landsat/L7_ETMs.tif",
            "--param", "crs=EPSG:3857"], env);

        await Assert.That(created.Exit).IsEqualTo(0).Because(created.Stderr);
        await Assert.That(again.Stdout.Trim()).IsEqualTo(created.Stdout.Trim());
        await Assert.That(submitted.Exit).IsEqualTo(0).Because(submitted.Stderr);
        await Assert.That(submitted.Stdout).Contains("completed");
        await Assert.That(submitted.Stderr).Contains("reproject:completed");
        await Assert.That(submitted.Stderr).Contains("build:completed");
        await Assert.That(shown.Stdout).Contains("reproject-then-build v1");
        await Assert.That(shown.Stdout).Contains("build");
        await Assert.That(listed.Stdout).Contains("reproject(reproject) build(build)");
        await Assert.That(info.Exit).IsEqualTo(0).Because(info.Stderr);
        using (var json = JsonDocument.Parse(info.Stdout))
        {
            var root = json.RootElement;
            await Assert.That(root.GetProperty("metadata").GetProperty("IMAGE_STRUCTURE").GetProperty("LAYOUT").GetString()).IsEqualTo("COG");
            await Assert.That(root.GetProperty("coordinateSystem").GetProperty("wkt").GetString()).Contains("Pseudo-Mercator");
        }

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
