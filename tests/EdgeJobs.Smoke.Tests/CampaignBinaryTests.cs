using System.Net;
using System.Text;
using System.Text.Json;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Smoke.Tests;

/// <summary>A campaign on the published binary, its coordinator killed with SIGKILL at each step of a batch.</summary>
public class CampaignBinaryTests
{
    private const int Files = 400;

    [Test]
    public async Task killing_the_coordinator_at_every_step_of_a_batch_makes_each_child_exactly_once()
    {
        await using var coordinator = new CoordinatorProcess("--local-agent-slots", "2", "--lease-ttl", "2s", "--heartbeat-interval", "0.3s");
        var scenes = Path.Combine(coordinator.DataDir, "data", "scenes");
        Directory.CreateDirectory(scenes);
        var (exit, _, stderr) = await Binary.RunAsync("gdal_create", ["-of", "GTiff", "-outsize", "8", "8", "-bands", "1", "-burn", "7", "-a_srs", "EPSG:4326",
            "-a_ullr", "0", "1", "1", "0", Path.Combine(scenes, "0000.tif")]);
        await Assert.That(exit).IsEqualTo(0).Because(stderr);
        for (var i = 1; i < Files; i++)
        {
            File.Copy(Path.Combine(scenes, "0000.tif"), Path.Combine(scenes, $"{i:D4}.tif"));
        }

        await coordinator.StartAsync();
        await PostAsync(coordinator, "v1/campaigns", """
            {"id":"survey","source":{"type":"data_root","root":"scenes","glob":"*.tif"},"template":{"tool":"info","params":{"path":"{record.path}"}}}
            """, HttpStatusCode.Created);

        // 1. Killed as soon as the batch is accepted: its page is being read, or its children being made.
        var first = await BatchAsync(coordinator);
        coordinator.Process!.KillHard();
        await coordinator.StartAsync();
        await Assert.That((await WaitEndedAsync(coordinator, first)).Status).IsEqualTo("completed");

        // 2. Killed while its children run.
        var second = await BatchAsync(coordinator);
        await WaitAsync(coordinator, second, job => job.Batch!.ChildrenCompleted >= 10);
        coordinator.Process!.KillHard();
        await coordinator.StartAsync();
        await Assert.That((await WaitEndedAsync(coordinator, second)).Status).IsEqualTo("completed");

        // 3. Killed right after the campaign was stopped mid-batch: the stop and its cascade are one transaction.
        var third = await BatchAsync(coordinator);
        await WaitAsync(coordinator, third, job => job.Batch!.SpawnedAt is not null);
        await PostAsync(coordinator, "v1/campaigns/survey/stop", "{}", HttpStatusCode.OK);
        coordinator.Process!.KillHard();
        await coordinator.StartAsync();
        await Assert.That((await WaitEndedAsync(coordinator, third)).Status).IsEqualTo("stopped");

        // Every record was made a child exactly once, in the batch whose page held it; each child ended exactly once.
        var ledger = Path.Combine(coordinator.DataDir, "ledger.db");
        var (_, perBatch, _) = await Binary.RunAsync("sqlite3", [ledger,
            "SELECT group_concat(n, ',') FROM (SELECT count(*) AS n FROM jobs WHERE parent_id IS NOT NULL AND tool = 'info' GROUP BY parent_id ORDER BY parent_id);"]);
        await Assert.That(perBatch.Trim()).IsEqualTo("150,150,100");
        var (_, paths, _) = await Binary.RunAsync("sqlite3", [ledger, "SELECT count(DISTINCT params ->> 'path') || ' ' || count(*) FROM jobs WHERE tool = 'info';"]);
        await Assert.That(paths.Trim()).IsEqualTo($"{Files} {Files}");
        var (_, endedTwice, _) = await Binary.RunAsync("sqlite3", [ledger,
            "SELECT count(*) FROM (SELECT e.job_id FROM job_events e JOIN jobs j ON j.id = e.job_id WHERE j.tool = 'info' AND e.to_state IN (5, 6, 7) GROUP BY e.job_id HAVING count(*) <> 1);"]);
        await Assert.That(endedTwice.Trim()).IsEqualTo("0");

        // The aggregate's counters agree with the children's rows.
        var campaign = JsonSerializer.Deserialize(await coordinator.Http.GetStringAsync("v1/campaigns/survey"), RestJson.Lenient.CampaignDto)!;
        var (_, real, _) = await Binary.RunAsync("sqlite3", [ledger,
            "SELECT group_concat(s.name || '=' || n, ',') FROM (SELECT state, count(*) AS n FROM jobs WHERE tool = 'info' GROUP BY state ORDER BY state) JOIN job_states s USING (state);"]);
        var counted = string.Join(',', campaign.Children.Where(c => c.Value > 0).Select(c => $"{c.Key}={c.Value}"));
        await Assert.That(counted).IsEqualTo(real.Trim());
        await Assert.That(campaign.TotalChildren).IsEqualTo(Files);
        await Assert.That(campaign.Children["completed"]).IsGreaterThanOrEqualTo(300);
        await Assert.That(campaign.Exhausted).IsTrue();
        await Assert.That(await coordinator.IntegrityCheckAsync()).IsEqualTo("ok");
    }

    /// <summary>
    /// A STAC static catalog read over HTTP (the spec's own examples, served by a plain file server), the coordinator
    /// killed with SIGKILL while a catalog request is unanswered: at the batch's first request, and in the middle of a
    /// later batch's walk. Each batch reads its page again after the restart and makes each record's child exactly once.
    /// </summary>
    [Test]
    public async Task killing_the_coordinator_while_it_reads_an_http_catalog_makes_each_child_exactly_once()
    {
        using var stac = new HeldFileServer(Path.Combine(AppContext.BaseDirectory, "catalogs", "stac"));
        await using var coordinator = new CoordinatorProcess("--local-agent-slots", "2", "--catalog-allow", "127.0.0.1");
        await coordinator.StartAsync();
        await PostAsync(coordinator, "v1/campaigns", """
            {"id":"stac-http","source":{"type":"stac","url":"@url@catalog.json"},
             "template":{"tool":"echo","params":{"string_input":"{record.id} {record.href}"}}}
            """.Replace("@url@", stac.Url, StringComparison.Ordinal), HttpStatusCode.Created);

        // 1. Killed while the batch's first request (the catalog itself) is unanswered.
        var held = stac.Hold(1);
        var first = await BatchAsync(coordinator, "stac-http", 1);
        await held.WaitAsync(TimeSpan.FromSeconds(30));
        coordinator.Process!.KillHard();
        stac.Release();
        var before = stac.Requests;
        await coordinator.StartAsync();
        await Assert.That((await WaitEndedAsync(coordinator, first)).Status).IsEqualTo("completed");
        await Assert.That(stac.Requests).IsGreaterThan(before).Because("the batch read its page again after the restart");

        // 2. Killed in the middle of the walk to the next page (its third request: a collection's item).
        held = stac.Hold(3);
        var second = await BatchAsync(coordinator, "stac-http", 1);
        await held.WaitAsync(TimeSpan.FromSeconds(30));
        coordinator.Process!.KillHard();
        stac.Release();
        await coordinator.StartAsync();
        await Assert.That((await WaitEndedAsync(coordinator, second)).Status).IsEqualTo("completed");

        // The catalog's two items, one per batch, each made a child once and ended once.
        var ledger = Path.Combine(coordinator.DataDir, "ledger.db");
        var (_, perBatch, _) = await Binary.RunAsync("sqlite3", [ledger,
            "SELECT group_concat(n, ',') FROM (SELECT count(*) AS n FROM jobs WHERE parent_id IS NOT NULL AND tool = 'echo' GROUP BY parent_id ORDER BY parent_id);"]);
        await Assert.That(perBatch.Trim()).IsEqualTo("1,1");
        var (_, ids, _) = await Binary.RunAsync("sqlite3", [ledger,
            "SELECT group_concat(v, ',') FROM (SELECT substr(params ->> 'string_input', 1, instr(params ->> 'string_input', ' ') - 1) AS v FROM jobs WHERE tool = 'echo' ORDER BY id);"]);
        await Assert.That(ids.Trim()).IsEqualTo("proj-example,CS3-20160503_132131_08");
        var (_, endedTwice, _) = await Binary.RunAsync("sqlite3", [ledger,
            "SELECT count(*) FROM (SELECT e.job_id FROM job_events e JOIN jobs j ON j.id = e.job_id WHERE j.tool = 'echo' AND e.to_state IN (5, 6, 7) GROUP BY e.job_id HAVING count(*) <> 1);"]);
        await Assert.That(endedTwice.Trim()).IsEqualTo("0");
        var campaign = JsonSerializer.Deserialize(await coordinator.Http.GetStringAsync("v1/campaigns/stac-http"), RestJson.Lenient.CampaignDto)!;
        await Assert.That(campaign.TotalChildren).IsEqualTo(2);
        await Assert.That(await coordinator.IntegrityCheckAsync()).IsEqualTo("ok");
    }

    /// <summary>The README's campaign walk, on the CLI: three batches, the aggregate, a stop mid-batch, the repair of missing variants.</summary>
    [Test]
    public async Task the_readme_s_campaign_walk_runs_on_the_cli()
    {
        await using var coordinator = new CoordinatorProcess("--local-agent-slots", "2");
        var survey = Path.Combine(coordinator.DataDir, "data", "survey");
        Directory.CreateDirectory(survey);
        var (made, _, stderr) = await Binary.RunAsync("gdal_create", ["-of", "GTiff", "-outsize", "64", "64", "-bands", "1", "-ot", "Float32", "-burn", "120",
            "-a_srs", "EPSG:32633", "-a_ullr", "500000", "4100640", "500640", "4100000", Path.Combine(survey, "scene1.tif")]);
        await Assert.That(made).IsEqualTo(0).Because(stderr);
        for (var i = 2; i <= 7; i++)
        {
            File.Copy(Path.Combine(survey, "scene1.tif"), Path.Combine(survey, $"scene{i}.tif"));
        }

        await coordinator.StartAsync();
        var env = new Dictionary<string, string>
        {
            ["EDGEJOBS_URL"] = $"http://127.0.0.1:{coordinator.HttpPort}",
            ["EDGEJOBS_TOKEN_FILE"] = Path.Combine(coordinator.DataDir, "admin.token"),
        };
        var file = Path.Combine(coordinator.DataDir, "survey.json");
        await File.WriteAllTextAsync(file, """
            {"id": "survey", "title": "Survey 2026", "campaign_total_children": 7,
             "source": {"type": "data_root", "root": "survey", "glob": "*.tif"},
             "template": {"tool": "build", "params": {"path": "{record.path}", "output": "cogs/{record.stem}.tif"}},
             "variants": [
               {"name": "cog", "output": "cogs/{record.stem}.tif",
                "template": {"tool": "build", "params": {"path": "{record.path}", "output": "cogs/{record.stem}.tif", "overwrite": true}}},
               {"name": "hillshade", "output": "derived/{record.stem}_hillshade.tif",
                "template": {"tool": "merge-terrain", "params": {"paths": ["{record.path}"], "hillshade": true, "output": "derived/{record.stem}_hillshade.tif"}}}]}
            """);

        var created = await Binary.RunAsync(Binary.EdgeJobs, ["campaigns", "create", file], env);
        await Assert.That(created.Exit).IsEqualTo(0).Because(created.Stderr);
        await Assert.That(created.Stdout.Trim()).IsEqualTo("survey");
        foreach (var _ in new[] { 1, 2 })
        {
            var batch = await Binary.RunAsync(Binary.EdgeJobs, ["campaigns", "batch", "survey", "--max-records", "3", "--wait"], env);
            await Assert.That(batch.Exit).IsEqualTo(0).Because(batch.Stderr);
        }

        var shown = await Binary.RunAsync(Binary.EdgeJobs, ["campaigns", "get", "survey"], env);
        await Assert.That(shown.Stdout).Contains("85.7% of 7 children ended");
        await Assert.That(shown.Stdout).Contains("completed:6");
        await Assert.That(shown.Stdout).Contains("start_position 7");

        var last = await Binary.RunAsync(Binary.EdgeJobs, ["campaigns", "batch", "survey", "--max-records", "3"], env);
        var stopped = await Binary.RunAsync(Binary.EdgeJobs, ["campaigns", "stop", "survey"], env);
        await Assert.That(last.Exit).IsEqualTo(0).Because(last.Stderr);
        await Assert.That(stopped.Exit).IsEqualTo(0).Because(stopped.Stderr);
        await coordinator.WaitAsync(long.Parse(last.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture),
            job => job.Status is "completed" or "partial" or "failed" or "stopped", TimeSpan.FromSeconds(60));

        var dry = await Binary.RunAsync(Binary.EdgeJobs, ["campaigns", "repair", "survey", "--dry-run"], env);
        await Assert.That(dry.Exit).IsEqualTo(0).Because(dry.Stderr);
        await Assert.That(dry.Stdout).Contains("derived/scene1_hillshade.tif");
        await Assert.That(dry.Stderr).Contains("of 7 records checked (dry run: nothing queued)");
        var repaired = await Binary.RunAsync(Binary.EdgeJobs, ["campaigns", "repair", "survey"], env);
        await Assert.That(repaired.Exit).IsEqualTo(0).Because(repaired.Stderr);
        var listed = await Binary.RunAsync(Binary.EdgeJobs, ["jobs", "ls", "--campaign", "survey", "--status", "all", "--limit", "100"], env);
        await Assert.That(listed.Stdout).Contains("merge-terrain");
        await Assert.That(listed.Stdout).Contains("campaign-batch");

        // Every repair job ends, and then every variant exists.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (Directory.Exists(Path.Combine(coordinator.DataDir, "data", "derived")) is false
               || Directory.GetFiles(Path.Combine(coordinator.DataDir, "data", "derived")).Length < 7 || Directory.GetFiles(Path.Combine(coordinator.DataDir, "data", "cogs")).Length < 7)
        {
            await Assert.That(DateTime.UtcNow).IsLessThan(deadline).Because("the repair jobs did not make every variant in 90 s");
            await Task.Delay(100);
        }

        var clean = await Binary.RunAsync(Binary.EdgeJobs, ["campaigns", "repair", "survey", "--dry-run"], env);
        await Assert.That(clean.Stderr).Contains("0 missing of 7 records checked");
    }

    private static async Task<string> PostAsync(CoordinatorProcess coordinator, string path, string json, HttpStatusCode expected)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await coordinator.Http.PostAsync(path, content);
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == expected ? body : throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {body}");
    }

    private static async Task<long> BatchAsync(CoordinatorProcess coordinator, string campaign = "survey", int maxRecords = 150) =>
        JsonSerializer.Deserialize(await PostAsync(coordinator, $"v1/campaigns/{campaign}/batches", $$"""{"max_records":{{maxRecords}}}""", HttpStatusCode.Accepted), RestJson.Lenient.JobDto)!.Id;

    private static Task<JobDto> WaitEndedAsync(CoordinatorProcess coordinator, long batch) =>
        coordinator.WaitAsync(batch, job => job.Status is "completed" or "failed" or "partial" or "stopped", TimeSpan.FromSeconds(120));

    private static Task<JobDto> WaitAsync(CoordinatorProcess coordinator, long batch, Func<JobDto, bool> done) =>
        coordinator.WaitAsync(batch, done, TimeSpan.FromSeconds(60));
}
