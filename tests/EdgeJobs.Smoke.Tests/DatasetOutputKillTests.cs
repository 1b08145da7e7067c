using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Smoke.Tests;

/// <summary>
/// Jobs on a dataset whose outputs go into it, the coordinator killed with SIGKILL again and again while they finish:
/// afterwards the dataset, its index and the jobs agree. Every completed job's output is in place with the artifact's
/// bytes and indexed so; nothing else is in the dataset; nothing is left staged; of two jobs writing one path, one won.
/// </summary>
public class DatasetOutputKillTests
{
    private const int Jobs = 120;

    [Test]
    public async Task killing_the_coordinator_while_outputs_go_into_a_dataset_leaves_the_dataset_index_and_jobs_agreeing()
    {
        await using var coordinator = new CoordinatorProcess("--local-agent-slots", "4", "--lease-ttl", "2s", "--heartbeat-interval", "0.3s");
        var scene = Path.Combine(coordinator.DataDir, "scene.tif");
        Directory.CreateDirectory(coordinator.DataDir);
        var (made, _, stderr) = await Binary.RunAsync("gdal_create", ["-of", "GTiff", "-outsize", "64", "64", "-bands", "1", "-burn", "7", "-a_srs", "EPSG:4326",
            "-a_ullr", "0", "1", "1", "0", scene]);
        await Assert.That(made).IsEqualTo(0).Because(stderr);
        await coordinator.StartAsync();
        await SendAsync(coordinator, HttpMethod.Put, "v1/datasets/acme/field", null, HttpStatusCode.Created);
        await SendAsync(coordinator, HttpMethod.Put, "v1/datasets/acme/field/files/scenes/scene.tif", new ByteArrayContent(await File.ReadAllBytesAsync(scene)), HttpStatusCode.Created);

        // Each job builds the scene into its own path, but every tenth pair shares one: exactly one of a pair may win it.
        var ids = new List<long>();
        for (var i = 0; i < Jobs; i++)
        {
            var output = i % 10 == 9 ? $"cogs/shared-{i / 10}.tif" : i % 10 == 8 ? $"cogs/shared-{i / 10}.tif" : $"cogs/{i:D3}.tif";
            var body = "{\"tool\":\"build\",\"force\":true,\"max_attempts\":10,\"dataset\":\"acme/field\",\"params\":{\"path\":\"scenes/scene.tif\",\"compression\":\"deflate\","
                + $"\"level\":{1 + (i % 9)},\"output\":\"{output}\"}}}}";
            var answer = await SendAsync(coordinator, HttpMethod.Post, "v1/jobs", new StringContent(body, Encoding.UTF8, "application/json"), HttpStatusCode.Accepted);
            ids.Add(JsonSerializer.Deserialize(answer, RestJson.Lenient.JobDto)!.Id);
        }

        // Killed three times while jobs complete, each time after a few more have.
        for (var kill = 1; kill <= 3; kill++)
        {
            var target = kill * Jobs / 5;
            await WaitForAsync(async () => (await CountCompletedAsync(coordinator, ids)) >= target, $"{target} jobs completed");
            coordinator.Process!.KillHard();
            await coordinator.StartAsync();
        }

        var ended = new List<JobDto>();
        foreach (var id in ids)
        {
            ended.Add(await coordinator.WaitAsync(id, job => job.Status is "completed" or "failed" or "stopped", TimeSpan.FromSeconds(120)));
        }

        // The index: what completed jobs put there, and nothing more.
        var entries = JsonSerializer.Deserialize(await coordinator.Http.GetStringAsync("v1/datasets/acme/field/entries?prefix=cogs/&limit=1000"), RestJson.Lenient.DatasetEntryListDto)!.Entries;
        var completed = ended.Where(j => j.Status == "completed").ToList();
        var outputs = completed.Select(j => j.Params.GetProperty("output").GetString()!).ToList();
        await Assert.That(entries.Select(e => e.Path).Order().ToArray()).IsEquivalentTo(outputs.Order().ToArray(), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(outputs.Distinct().Count()).IsEqualTo(outputs.Count).Because("two completed jobs wrote one path");
        await Assert.That(completed.Count).IsGreaterThanOrEqualTo(Jobs - (Jobs / 10));
        foreach (var job in ended.Where(j => j.Status != "completed"))
        {
            await Assert.That(job.Error!.Message).Contains("cogs/shared-").Because($"job {job.Id} failed: {job.Error.Code} {job.Error.Message}");
        }

        // The files: each indexed entry's bytes are on disk and are its job's artifact; nothing unindexed; nothing staged.
        var dir = Path.Combine(coordinator.DataDir, "datasets", "acme", "field");
        foreach (var job in completed)
        {
            var path = job.Params.GetProperty("output").GetString()!;
            var entry = entries.Single(e => e.Path == path);
            var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(dir, path))));
            await Assert.That(sha).IsEqualTo(entry.Sha256).Because(path);
            await Assert.That(job.Artifact!.Sha256).IsEqualTo(entry.Sha256).Because(path);
        }

        var onDisk = Directory.GetFiles(Path.Combine(dir, "cogs")).Select(f => "cogs/" + Path.GetFileName(f)).Order().ToArray();
        await Assert.That(onDisk).IsEquivalentTo(entries.Select(e => e.Path).Order().ToArray(), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        var incoming = Path.Combine(coordinator.DataDir, "datasets", ".incoming");
        var staged = Directory.Exists(incoming) ? Directory.GetFiles(incoming, "*.out", SearchOption.AllDirectories) : [];
        await Assert.That(staged).IsEmpty();
        await Assert.That(await coordinator.IntegrityCheckAsync()).IsEqualTo("ok");
    }

    private static async Task<int> CountCompletedAsync(CoordinatorProcess coordinator, IReadOnlyList<long> ids)
    {
        var list = JsonSerializer.Deserialize(await coordinator.Http.GetStringAsync("v1/jobs?status=completed&limit=1000"), RestJson.Lenient.JobListDto)!;
        return list.Jobs.Count(j => ids.Contains(j.Id));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(20);
        }
    }

    private static async Task<string> SendAsync(CoordinatorProcess coordinator, HttpMethod method, string path, HttpContent? content, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await coordinator.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == expected ? body : throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {body}");
    }
}
