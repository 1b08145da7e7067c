using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Server;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests.Datasets;

/// <summary>
/// <c>rescan-index</c> on what <c>edgejobs coordinator</c> runs: the dataset agent in the coordinator's process reads every
/// file again and the index comes to match the files — files put there behind its back are added (with their raster
/// details), changed ones updated, vanished ones removed, links out never followed.
/// </summary>
[Category("gdal")]
public sealed class RescanIndexTests
{
    private const string Dataset = "v1/datasets/default/field";

    [Test]
    public async Task rescan_makes_the_index_match_the_files_and_leaves_links_alone()
    {
        using var dir = new TempDir();
        await using var server = await EdgeJobsServer.StartAsync(new CoordinatorOptions
        {
            DataDir = dir.File("data"),
            Http = "127.0.0.1:0",
            Link = "127.0.0.1:0",
            Catalog = ToolCatalog.BuiltIn,
        }, new EmbeddedAgentOptions { Slots = 0, DatasetSlots = 1 });
        using var http = new HttpClient { BaseAddress = server.Coordinator.HttpAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(server.Coordinator.Options.AdminTokenPath).Trim());
        (await http.PutAsync(Dataset, null)).EnsureSuccessStatusCode();
        (await http.PutAsync(Dataset + "/files/kept.txt", new ByteArrayContent([1, 2, 3]))).EnsureSuccessStatusCode();
        (await http.PutAsync(Dataset + "/files/changed.txt", new ByteArrayContent([1]))).EnsureSuccessStatusCode();
        (await http.PutAsync(Dataset + "/files/vanished.txt", new ByteArrayContent([9]))).EnsureSuccessStatusCode();

        // Behind the index's back: a raster copied in, a file rewritten, one deleted, and a link that leads out.
        var root = Path.Combine(server.Coordinator.Options.DataDir, "datasets", "default", "field");
        Directory.CreateDirectory(Path.Combine(root, "scenes"));
        File.Copy(Samples.Path("L7_ETMs.tif"), Path.Combine(root, "scenes", "l7.tif"));
        await File.WriteAllBytesAsync(Path.Combine(root, "changed.txt"), [4, 5, 6, 7]);
        File.Delete(Path.Combine(root, "vanished.txt"));
        File.CreateSymbolicLink(Path.Combine(root, "escape.txt"), "/etc/hostname");

        var job = await SubmitAndWaitAsync(http, """{"tool":"rescan-index","dataset":"default/field","params":{}}""");

        await Assert.That(job.Status).IsEqualTo("completed");
        var entries = await EntriesAsync(http);
        await Assert.That(entries.Select(e => e.Path)).IsEquivalentTo(new[] { "changed.txt", "kept.txt", "scenes/l7.tif" });
        var scene = entries.Single(e => e.Path == "scenes/l7.tif");
        await Assert.That(scene.Sha256).IsEqualTo(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Samples.Path("L7_ETMs.tif")))));
        await Assert.That(scene.Raster!.Bands).IsEqualTo(6);
        await Assert.That(scene.Raster.Crs).IsEqualTo("EPSG:31985");
        var changed = entries.Single(e => e.Path == "changed.txt");
        await Assert.That(changed.Size).IsEqualTo(4);
        await Assert.That(changed.Sha256).IsEqualTo(Convert.ToHexStringLower(SHA256.HashData(new byte[] { 4, 5, 6, 7 })));
        using var info = await http.GetAsync(Dataset);
        var dataset = (await ApiServer.ReadAsync(info, RestJsonContext.Default.DatasetDto))!;
        await Assert.That(dataset.Entries).IsEqualTo(3);
        await Assert.That(dataset.BytesUsed).IsEqualTo(3 + 4 + new FileInfo(Samples.Path("L7_ETMs.tif")).Length);
        using var log = await http.GetAsync($"v1/jobs/{job.Id}/log");
        var text = await log.Content.ReadAsStringAsync();
        await Assert.That(text).Contains("escape.txt: a symbolic link (not followed)");
        await Assert.That(text).Contains("1 added, 1 updated, 1 unchanged, 1 removed, 1 skipped");

        // A type filter rescans only those; stopOnError fails on the link instead of skipping it.
        var rasters = await SubmitAndWaitAsync(http, """{"tool":"rescan-index","dataset":"default/field","params":{"types":"georaster"}}""");
        await Assert.That(rasters.Status).IsEqualTo("completed");
        var strict = await SubmitAndWaitAsync(http, """{"tool":"rescan-index","dataset":"default/field","params":{"stop_on_error":true}}""");
        await Assert.That(strict.Status).IsEqualTo("failed");
        await Assert.That(strict.Error!.Code).IsEqualTo("unreadable_entry");
        await Assert.That(strict.Error.Message!).Contains("escape.txt");
    }

    [Test]
    public async Task rescan_needs_a_dataset_and_known_types()
    {
        using var dir = new TempDir();
        await using var server = await EdgeJobsServer.StartAsync(new CoordinatorOptions
        {
            DataDir = dir.File("data"),
            Http = "127.0.0.1:0",
            Link = "127.0.0.1:0",
            Catalog = ToolCatalog.BuiltIn,
        }, new EmbeddedAgentOptions { Slots = 0, DatasetSlots = 0 });
        using var http = new HttpClient { BaseAddress = server.Coordinator.HttpAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(server.Coordinator.Options.AdminTokenPath).Trim());
        (await http.PutAsync(Dataset, null)).EnsureSuccessStatusCode();

        foreach (var (body, field) in new[]
        {
            ("""{"tool":"rescan-index","params":{}}""", "$.dataset"),
            ("""{"tool":"rescan-index","dataset":"default/field","params":{"types":"raster,holograms"}}""", "$.params.types"),
            ("""{"tool":"rescan-index","dataset":"default/field","params":{"stop_on_error":"yes"}}""", "$.params.stop_on_error"),
        })
        {
            using var refused = await http.PostAsync("v1/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
            await Assert.That(refused.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
            await Assert.That((await ApiServer.ProblemAsync(refused)).Errors!.Select(e => e.Path)).Contains(field);
        }
    }

    private static async Task<IReadOnlyList<DatasetEntryDto>> EntriesAsync(HttpClient http)
    {
        using var list = await http.GetAsync(Dataset + "/entries");
        return (await ApiServer.ReadAsync(list, RestJsonContext.Default.DatasetEntryListDto))!.Entries;
    }

    private static async Task<JobDto> SubmitAndWaitAsync(HttpClient http, string body)
    {
        using var submit = await http.PostAsync("v1/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
        await Assert.That(submit.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        var id = (await ApiServer.ReadAsync(submit, RestJsonContext.Default.JobDto))!.Id;
        JobDto? job = null;
        await Cluster.WaitForAsync(async () =>
        {
            using var get = await http.GetAsync($"v1/jobs/{id}");
            job = await ApiServer.ReadAsync(get, RestJsonContext.Default.JobDto);
            return job!.Status is "completed" or "failed" or "stopped";
        }, TimeSpan.FromSeconds(60), $"job {id}");
        return job!;
    }
}
