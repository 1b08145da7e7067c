using System.Net;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Datasets;

/// <summary>
/// A symbolic link put in a dataset's directory by hand (to a folder or a file elsewhere on the coordinator's disk) is
/// never followed: uploads, downloads, deletes, moves, agents' lease reads and job submits through it are a 400 naming
/// the parameter, and nothing outside the dataset is read or changed.
/// </summary>
public class DatasetLinkTests
{
    [Test]
    public async Task every_verb_through_a_link_is_a_400_naming_its_parameter_and_touches_nothing()
    {
        await using var h = await DatasetHarness.StartAsync();
        using var outside = new TempDir();
        File.WriteAllText(outside.File("secret.txt"), "not the dataset's");
        (await h.PutFileAsync("real.bin", DatasetHarness.Bytes(100, seed: 1))).Dispose();
        (await h.PutFileAsync("scenes/a.tif", DatasetHarness.Bytes(100, seed: 2))).Dispose();
        // Links made by hand: a folder link, a file link, and an indexed entry's folder swapped for a link afterwards.
        Directory.CreateSymbolicLink(Path.Combine(h.DatasetDir, "out"), outside.Path);
        File.CreateSymbolicLink(Path.Combine(h.DatasetDir, "note.txt"), outside.File("secret.txt"));
        Directory.Move(Path.Combine(h.DatasetDir, "scenes"), outside.File("scenes"));
        Directory.CreateSymbolicLink(Path.Combine(h.DatasetDir, "scenes"), outside.File("scenes"));
        var state = await h.StateAsync();
        var outsideFiles = Snapshot(outside.Path);

        async Task RefusedAsync(HttpResponseMessage response, string parameter, string link)
        {
            using (response)
            {
                await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest).Because(await response.Content.ReadAsStringAsync());
                var problem = await ApiServer.ProblemAsync(response);
                await Assert.That(problem.ErrorCode).IsEqualTo("invalid_path").Or.IsEqualTo("invalid_params");
                await Assert.That(problem.Errors!.Single().Path).IsEqualTo(parameter);
                await Assert.That(problem.Errors!.Single().Reason).Contains($"'{link}' is a symbolic link");
            }
        }

        await RefusedAsync(await h.PutFileAsync("out/x.bin", [1, 2, 3]), "path", "out");
        await RefusedAsync(await h.PutFileAsync("note.txt", [1, 2, 3]), "path", "note.txt");
        await RefusedAsync(await h.GetFileAsync("out/secret.txt"), "path", "out");
        await RefusedAsync(await h.GetFileAsync("note.txt"), "path", "note.txt");
        await RefusedAsync(await h.GetFileAsync("scenes/a.tif"), "path", "scenes");
        await RefusedAsync(await h.SendAsync(HttpMethod.Delete, $"{DatasetHarness.Base}/files/note.txt", h.Acme), "path", "note.txt");
        await RefusedAsync(await h.SendAsync(HttpMethod.Post, $"{DatasetHarness.Base}/move", h.Acme, Json("""{"from":"real.bin","to":"out/real.bin"}""")), "$.to", "out");
        await RefusedAsync(await h.SendAsync(HttpMethod.Post, $"{DatasetHarness.Base}/move", h.Acme, Json("""{"from":"scenes/a.tif","to":"b.tif"}""")), "$.from", "scenes");
        await RefusedAsync(await h.Api.SendAsync(HttpMethod.Post, "v1/jobs", h.AcmeJobs,
            """{"tool":"info","dataset":"acme/survey","params":{"path":"scenes/a.tif"}}"""), "$.params.path", "scenes");

        await Assert.That(await h.StateAsync()).IsEqualTo(state);
        await Assert.That(Snapshot(outside.Path)).IsEqualTo(outsideFiles);
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static string Snapshot(string dir) => string.Join('\n', Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
        .Select(f => $"{f} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f):O}"));
}
