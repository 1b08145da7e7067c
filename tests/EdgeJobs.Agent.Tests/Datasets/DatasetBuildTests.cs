using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Server;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests.Datasets;

/// <summary>
/// <c>build</c> on a dataset without a path, on a real agent: every raster gets a COG and every vector file vector tiles
/// under <c>.build/</c>, indexed; again, nothing is pending (409) until an entry changes; <c>force</c> builds all again;
/// the seed's task API submits it as its <c>build</c> task.
/// </summary>
[Category("gdal")]
public class DatasetBuildTests
{
    private const string Dataset = "v1/datasets/acme/field";

    private static async Task PutAsync(Cluster cluster, string token, string path, byte[] bytes)
    {
        using var upload = new HttpRequestMessage(HttpMethod.Put, $"{Dataset}/files/{path}") { Content = new ByteArrayContent(bytes) };
        upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        (await cluster.Api.Http.SendAsync(upload)).EnsureSuccessStatusCode();
    }

    private static async Task<JobDto> SubmitAndWaitAsync(Cluster cluster, string token, string body)
    {
        using var submitted = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", token, body);
        await Assert.That(submitted.StatusCode).IsEqualTo(HttpStatusCode.Accepted).Because(await submitted.Content.ReadAsStringAsync());
        var id = (await ApiServer.ReadAsync(submitted, RestJsonContext.Default.JobDto))!.Id;
        await cluster.WaitForStateAsync(id, state => state.IsTerminal(), TimeSpan.FromSeconds(60));
        using var get = await cluster.Api.GetAsync($"v1/jobs/{id}", token);
        return (await ApiServer.ReadAsync(get, RestJsonContext.Default.JobDto))!;
    }

    private static async Task<Dictionary<string, DatasetEntryDto>> BuiltAsync(Cluster cluster, string token)
    {
        using var list = await cluster.Api.GetAsync($"{Dataset}/entries?prefix=.build/", token);
        return (await ApiServer.ReadAsync(list, RestJsonContext.Default.DatasetEntryListDto))!.Entries.ToDictionary(e => e.Path);
    }

    [Test]
    public async Task a_build_without_a_path_builds_each_pending_entry_once_and_again_only_when_it_changed_or_is_forced()
    {
        await using var cluster = await Cluster.StartAsync(rasterInspector: GdalRasterInspector.Instance);
        await cluster.AddAgentAsync("remote");
        using var dir = new TempDir();
        var token = await cluster.Api.MintInOrgAsync("amy", "acme", Scopes.JobsRead, Scopes.JobsWrite, Scopes.DatasetsRead, Scopes.DatasetsWrite);
        (await cluster.Api.SendAsync(HttpMethod.Put, Dataset, token)).EnsureSuccessStatusCode();
        var gpkg = dir.File("contours.gpkg");
        await GdalTool.RunAsync("gdal_contour", "-q", "-a", "elev", "-i", "50", Samples.Path("olinda_dem_utm25s.tif"), gpkg);
        await PutAsync(cluster, token, "scenes/l7.tif", await File.ReadAllBytesAsync(Samples.Path("L7_ETMs.tif")));
        await PutAsync(cluster, token, "dem/olinda.tif", await File.ReadAllBytesAsync(Samples.Path("olinda_dem_utm25s.tif")));
        await PutAsync(cluster, token, "vectors/contours.gpkg", await File.ReadAllBytesAsync(gpkg));
        await PutAsync(cluster, token, "notes/readme.txt", "not geodata"u8.ToArray());

        var first = await SubmitAndWaitAsync(cluster, token, """{"tool":"build","dataset":"acme/field","params":{"compression":"deflate","max_zoom":8}}""");

        await Assert.That(first.Status).IsEqualTo("completed").Because(first.Error?.Message ?? "");
        var built = await BuiltAsync(cluster, token);
        await Assert.That(built.Keys.Order().ToArray()).IsEquivalentTo(
            [".build/dem/olinda.tif.cog.tif", ".build/scenes/l7.tif.cog.tif", ".build/vectors/contours.gpkg.mbtiles"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(built[".build/scenes/l7.tif.cog.tif"].Raster!.Bands).IsEqualTo(6);
        await Assert.That(built[".build/vectors/contours.gpkg.mbtiles"].Type).IsEqualTo("vector");
        var cog = dir.File("l7.cog.tif");
        using (var download = await cluster.Api.GetAsync($"{Dataset}/files/.build/scenes/l7.tif.cog.tif", token))
        {
            await File.WriteAllBytesAsync(cog, await download.Content.ReadAsByteArrayAsync());
        }

        await Assert.That(await RasterOracles.ValidateCogAsync(cog)).Contains("is a valid cloud optimized GeoTIFF");
        await Assert.That(await GdalTool.RunAsync("gdalinfo", cog)).Contains("COMPRESSION=DEFLATE");
        await Assert.That(await RasterOracles.ChecksumsAsync(cog)).IsEquivalentTo(await RasterOracles.ChecksumsAsync(Samples.Path("L7_ETMs.tif")), TUnit.Assertions.Enums.CollectionOrdering.Matching);

        // Nothing is pending now: a refusal that makes no job.
        using (var again = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", token, """{"tool":"build","dataset":"acme/field"}"""))
        {
            await Assert.That(again.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
            await Assert.That((await ApiServer.ProblemAsync(again)).ErrorCode).IsEqualTo("nothing_to_build");
        }

        // A changed entry is stale: only it is built again.
        await Task.Delay(20);
        await PutAsync(cluster, token, "dem/olinda.tif", await File.ReadAllBytesAsync(Samples.Path("olinda_dem_utm25s.tif")));
        var second = await SubmitAndWaitAsync(cluster, token, """{"tool":"build","dataset":"acme/field"}""");
        await Assert.That(second.Status).IsEqualTo("completed").Because(second.Error?.Message ?? "");
        await Assert.That(second.Steps!.Count).IsEqualTo(1);
        var rebuilt = await BuiltAsync(cluster, token);
        await Assert.That(rebuilt[".build/dem/olinda.tif.cog.tif"].Mtime).IsGreaterThan(built[".build/dem/olinda.tif.cog.tif"].Mtime);
        await Assert.That(rebuilt[".build/scenes/l7.tif.cog.tif"].Mtime).IsEqualTo(built[".build/scenes/l7.tif.cog.tif"].Mtime);

        // force: every one again, here through the seed's task API, where it is the build task.
        using var task = await cluster.Api.SendAsync(HttpMethod.Post, "orgs/acme/ds/field/tasks", token, """{"toolId":"build","force":true}""");
        await Assert.That(task.StatusCode).IsEqualTo(HttpStatusCode.Accepted).Because(await task.Content.ReadAsStringAsync());
        using var taskBody = JsonDocument.Parse(await task.Content.ReadAsStringAsync());
        await Assert.That(taskBody.RootElement.GetProperty("toolId").GetString()).IsEqualTo("build");
        var taskId = long.Parse(taskBody.RootElement.GetProperty("taskId").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        await cluster.WaitForStateAsync(taskId, state => state.IsTerminal(), TimeSpan.FromSeconds(60));
        using var status = await cluster.Api.GetAsync($"orgs/acme/ds/field/tasks/{taskId}", token);
        using var statusBody = JsonDocument.Parse(await status.Content.ReadAsStringAsync());
        await Assert.That(statusBody.RootElement.GetProperty("state").GetString()).IsEqualTo("Succeeded");
        await Assert.That(statusBody.RootElement.GetProperty("toolId").GetString()).IsEqualTo("build");
        using (var get = await cluster.Api.GetAsync($"v1/jobs/{taskId}", token))
        {
            await Assert.That((await ApiServer.ReadAsync(get, RestJsonContext.Default.JobDto))!.Steps!.Count).IsEqualTo(3);
        }

        // The seed's list filtered by toolId=build has it, as the status says it is; another tool's filter does not.
        using (var builds = await cluster.Api.GetAsync("orgs/acme/ds/field/tasks?toolId=build", token))
        using (var buildsBody = JsonDocument.Parse(await builds.Content.ReadAsStringAsync()))
        {
            await Assert.That(buildsBody.RootElement.EnumerateArray().Select(t => t.GetProperty("taskId").GetString())).Contains(taskId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using (var exports = await cluster.Api.GetAsync("orgs/acme/ds/field/tasks?toolId=raster-export", token))
        using (var exportsBody = JsonDocument.Parse(await exports.Content.ReadAsStringAsync()))
        {
            await Assert.That(exportsBody.RootElement.GetArrayLength()).IsEqualTo(0);
        }

        // clear?toolId=build removes it with the other builds.
        using var cleared = await cluster.Api.SendAsync(HttpMethod.Post, "orgs/acme/ds/field/tasks/clear?toolId=build", token);
        await Assert.That(cleared.IsSuccessStatusCode).IsTrue().Because(await cleared.Content.ReadAsStringAsync());
        using var gone = await cluster.Api.GetAsync($"orgs/acme/ds/field/tasks/{taskId}", token);
        await Assert.That(gone.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
    }

    [Test]
    [Arguments("""{"tool":"build","dataset":"acme/field","params":{"output":"x.tif"}}""", 400, "$.params.output")]
    [Arguments("""{"tool":"build","dataset":"acme/field","params":{"overwrite":true}}""", 400, "$.params.overwrite")]
    [Arguments("""{"tool":"build","dataset":"acme/field","params":[1]}""", 400, "$.params")]
    [Arguments("""{"tool":"build","dataset":"acme/other"}""", 400, null)]
    [Arguments("""{"tool":"build","dataset":"zeta/field"}""", 400, null)]
    public async Task a_build_without_a_path_refuses_what_does_not_fit_and_makes_nothing(string body, int status, string? field)
    {
        await using var cluster = await Cluster.StartAsync();
        var token = await cluster.Api.MintInOrgAsync("amy", "acme", Scopes.JobsRead, Scopes.JobsWrite, Scopes.DatasetsRead, Scopes.DatasetsWrite);
        (await cluster.Api.SendAsync(HttpMethod.Put, Dataset, token)).EnsureSuccessStatusCode();
        await PutAsync(cluster, token, "scenes/l7.tif", await File.ReadAllBytesAsync(Samples.Path("L7_ETMs.tif")));

        using var refused = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", token, body);

        await Assert.That((int)refused.StatusCode).IsEqualTo(status).Because(await refused.Content.ReadAsStringAsync());
        if (field is not null)
        {
            await Assert.That((await ApiServer.ProblemAsync(refused)).Errors!.Select(e => e.Path)).Contains(field);
        }

        await Assert.That(await cluster.Ledger.CountJobsAsync()).IsEqualTo(0);
        await Assert.That((await BuiltAsync(cluster, token)).Count).IsEqualTo(0);
    }
}
