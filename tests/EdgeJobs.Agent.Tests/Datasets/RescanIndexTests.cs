using System.Net;
using System.Security.Cryptography;
using EdgeJobs.Protocol.Rest;
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
    [Test]
    public async Task rescan_makes_the_index_match_the_files_and_leaves_links_alone()
    {
        await using var h = await DatasetToolHarness.StartAsync();
        var http = h.Http;
        await h.PutAsync("kept.txt", [1, 2, 3]);
        await h.PutAsync("changed.txt", [1]);
        await h.PutAsync("vanished.txt", [9]);

        // Behind the index's back: a raster copied in, a file rewritten, one deleted, and a link that leads out.
        var root = h.Root;
        Directory.CreateDirectory(Path.Combine(root, "scenes"));
        File.Copy(Samples.Path("L7_ETMs.tif"), Path.Combine(root, "scenes", "l7.tif"));
        await File.WriteAllBytesAsync(Path.Combine(root, "changed.txt"), [4, 5, 6, 7]);
        File.Delete(Path.Combine(root, "vanished.txt"));
        File.CreateSymbolicLink(Path.Combine(root, "escape.txt"), "/etc/hostname");

        var job = await h.RunAsync("rescan-index", "{}");

        await Assert.That(job.Status).IsEqualTo("completed");
        var entries = await h.EntriesAsync();
        await Assert.That(entries.Select(e => e.Path)).IsEquivalentTo(new[] { "changed.txt", "kept.txt", "scenes/l7.tif" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        var scene = entries.Single(e => e.Path == "scenes/l7.tif");
        await Assert.That(scene.Sha256).IsEqualTo(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Samples.Path("L7_ETMs.tif")))));
        await Assert.That(scene.Raster!.Bands).IsEqualTo(6);
        await Assert.That(scene.Raster.Crs).IsEqualTo("EPSG:31985");
        var changed = entries.Single(e => e.Path == "changed.txt");
        await Assert.That(changed.Size).IsEqualTo(4);
        await Assert.That(changed.Sha256).IsEqualTo(Convert.ToHexStringLower(SHA256.HashData(new byte[] { 4, 5, 6, 7 })));
        using var info = await http.GetAsync(DatasetToolHarness.Dataset);
        var dataset = (await ApiServer.ReadAsync(info, RestJsonContext.Default.DatasetDto))!;
        await Assert.That(dataset.Entries).IsEqualTo(3);
        await Assert.That(dataset.BytesUsed).IsEqualTo(3 + 4 + new FileInfo(Samples.Path("L7_ETMs.tif")).Length);
        using var log = await http.GetAsync($"v1/jobs/{job.Id}/log");
        var text = await log.Content.ReadAsStringAsync();
        await Assert.That(text).Contains("escape.txt: a symbolic link (not followed)");
        await Assert.That(text).Contains("1 added, 1 updated, 1 unchanged, 1 removed, 1 skipped");

        // A type filter rescans only those; stopOnError fails on the link instead of skipping it.
        var rasters = await h.RunAsync("rescan-index", """{"types":"georaster"}""");
        await Assert.That(rasters.Status).IsEqualTo("completed");
        var strict = await h.RunAsync("rescan-index", """{"stop_on_error":true}""");
        await Assert.That(strict.Status).IsEqualTo("failed");
        await Assert.That(strict.Error!.Code).IsEqualTo("unreadable_entry");
        await Assert.That(strict.Error.Message!).Contains("escape.txt");
    }

    [Test]
    public async Task rescan_needs_a_dataset_and_known_types()
    {
        await using var h = await DatasetToolHarness.StartAsync();
        foreach (var (body, field) in new[]
        {
            ("""{"tool":"rescan-index","params":{}}""", "$.dataset"),
            ("""{"tool":"rescan-index","dataset":"default/field","params":{"types":"raster,holograms"}}""", "$.params.types"),
            ("""{"tool":"rescan-index","dataset":"default/field","params":{"stop_on_error":"yes"}}""", "$.params.stop_on_error"),
        })
        {
            using var refused = await h.PostJobAsync(body);
            await Assert.That(refused.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
            await Assert.That((await ApiServer.ProblemAsync(refused)).Errors!.Select(e => e.Path)).Contains(field);
        }
    }
}
