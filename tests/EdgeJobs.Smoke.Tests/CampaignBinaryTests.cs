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

    private static async Task<string> PostAsync(CoordinatorProcess coordinator, string path, string json, HttpStatusCode expected)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await coordinator.Http.PostAsync(path, content);
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == expected ? body : throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {body}");
    }

    private static async Task<long> BatchAsync(CoordinatorProcess coordinator) =>
        JsonSerializer.Deserialize(await PostAsync(coordinator, "v1/campaigns/survey/batches", """{"max_records":150}""", HttpStatusCode.Accepted), RestJson.Lenient.JobDto)!.Id;

    private static Task<JobDto> WaitEndedAsync(CoordinatorProcess coordinator, long batch) =>
        coordinator.WaitAsync(batch, job => job.Status is "completed" or "failed" or "partial" or "stopped", TimeSpan.FromSeconds(120));

    private static Task<JobDto> WaitAsync(CoordinatorProcess coordinator, long batch, Func<JobDto, bool> done) =>
        coordinator.WaitAsync(batch, done, TimeSpan.FromSeconds(60));
}
