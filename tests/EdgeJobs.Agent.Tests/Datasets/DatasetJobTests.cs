using System.Net;
using System.Security.Cryptography;
using System.Text;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Server;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests.Datasets;

/// <summary>
/// Jobs on a dataset end to end, on one machine: an agent that mounts the coordinator's datasets and one that reads
/// them over HTTP (GDAL's /vsicurl/ on a lease-token URL) run the same export; each output goes into the dataset when
/// its job completes, indexed with what GDAL reads of it; two jobs writing one path: the first to finish wins.
/// </summary>
[Category("gdal")]
public class DatasetJobTests
{
    private const string Dataset = "v1/datasets/acme/field";

    private sealed record Setup(Cluster Cluster, string Token, TempDir Dir) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Cluster.DisposeAsync();
            Dir.Dispose();
        }
    }

    /// <summary>A coordinator with GDAL's inspector, dataset acme/field holding the Landsat sample as scenes/l7.tif.</summary>
    private static async Task<Setup> StartAsync()
    {
        var cluster = await Cluster.StartAsync(rasterInspector: GdalRasterInspector.Instance);
        var token = await cluster.Api.MintInOrgAsync("amy", "acme", Scopes.JobsRead, Scopes.JobsWrite, Scopes.DatasetsRead, Scopes.DatasetsWrite);
        (await cluster.Api.SendAsync(HttpMethod.Put, Dataset, token)).EnsureSuccessStatusCode();
        using var upload = new HttpRequestMessage(HttpMethod.Put, Dataset + "/files/scenes/l7.tif")
        {
            Content = new ByteArrayContent(await File.ReadAllBytesAsync(Samples.Path("L7_ETMs.tif"))),
        };
        upload.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        (await cluster.Api.Http.SendAsync(upload)).EnsureSuccessStatusCode();
        return new Setup(cluster, token, new TempDir());
    }

    private static async Task<JobDto> SubmitAsync(Setup s, string paramsJson, string? labels = null)
    {
        var body = $$"""{"tool":"raster-export","dataset":"acme/field","params":{{paramsJson}}{{(labels is null ? "" : ",\"node_labels\":" + labels)}}}""";
        using var submitted = await s.Cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", s.Token, body);
        await Assert.That(submitted.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        return (await ApiServer.ReadAsync(submitted, RestJsonContext.Default.JobDto))!;
    }

    private static async Task<JobDto> GetAsync(Setup s, long id)
    {
        using var get = await s.Cluster.Api.GetAsync($"v1/jobs/{id}", s.Token);
        return (await ApiServer.ReadAsync(get, RestJsonContext.Default.JobDto))!;
    }

    private static async Task<DatasetEntryDto?> EntryAsync(Setup s, string path)
    {
        using var list = await s.Cluster.Api.GetAsync($"{Dataset}/entries?prefix={Uri.EscapeDataString(path)}", s.Token);
        var page = (await ApiServer.ReadAsync(list, RestJsonContext.Default.DatasetEntryListDto))!;
        return page.Entries.SingleOrDefault(e => e.Path == path);
    }

    private static async Task<string> LogAsync(Setup s, long id)
    {
        using var log = await s.Cluster.Api.GetAsync($"v1/jobs/{id}/log", s.Token);
        return await log.Content.ReadAsStringAsync();
    }

    [Test]
    public async Task a_recipe_on_a_dataset_reads_its_entries_over_http_and_its_declared_output_becomes_an_indexed_entry()
    {
        await using var s = await StartAsync();
        await s.Cluster.AddAgentAsync("remote");
        var body = """
            {"dataset":"acme/field",
             "recipe":{"name":"ndvi-cog","version":"1","steps":[
               {"id":"ndvi","tool":"raster-export","params":{"path":"input:scene","formula":"ndvi"}},
               {"id":"cog","tool":"build","params":{"path":"step:ndvi.output"}}]},
             "inputs":{"scene":"scenes/l7.tif"},
             "outputs":{"step:cog.output":"products/l7.ndvi.cog.tif"}}
            """;

        using var submitted = await s.Cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", s.Token, body);
        await Assert.That(submitted.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        var id = (await ApiServer.ReadAsync(submitted, RestJsonContext.Default.JobDto))!.Id;
        await s.Cluster.WaitForStateAsync(id, st => st.IsTerminal(), TimeSpan.FromSeconds(60));
        var job = await GetAsync(s, id);

        await Assert.That(job.Status).IsEqualTo("completed");
        await Assert.That(job.Dataset).IsEqualTo("acme/field");
        var entry = await EntryAsync(s, "products/l7.ndvi.cog.tif");
        await Assert.That(entry).IsNotNull();
        await Assert.That(entry!.Type).IsEqualTo("raster");
        await Assert.That(entry.Sha256).IsEqualTo(job.Steps![1].Artifact!.Sha256);
        var file = Path.Combine(s.Cluster.DatasetsDir, "acme", "field", "products", "l7.ndvi.cog.tif");
        await Assert.That(await RasterOracles.ValidateCogAsync(file)).Contains("is a valid cloud optimized GeoTIFF");
        await Assert.That(await LogAsync(s, job.Steps![0].JobId!.Value)).Contains("reading inputs of dataset acme/field over HTTP");
    }

    [Test]
    public async Task a_mounted_agent_and_one_reading_over_http_write_the_same_output_into_the_dataset()
    {
        await using var s = await StartAsync();
        await s.Cluster.AddAgentAsync("mounted", datasetsDir: s.Cluster.DatasetsDir, labels: new Dictionary<string, string> { ["kind"] = "mounted" });
        await s.Cluster.AddAgentAsync("remote", labels: new Dictionary<string, string> { ["kind"] = "remote" });
        // Inputs of any size read in place, block by block, through GDAL's /vsicurl/ (Range requests).
        await s.Cluster.AddAgentAsync("ranges", labels: new Dictionary<string, string> { ["kind"] = "ranges" }, downloadInputsUpToBytes: 0);

        var onMount = await SubmitAsync(s, """{"path":"scenes/l7.tif","formula":"ndvi","output":"out/ndvi-mounted.tif"}""", """{"kind":"mounted"}""");
        var overHttp = await SubmitAsync(s, """{"path":"scenes/l7.tif","formula":"ndvi","output":"out/ndvi-http.tif"}""", """{"kind":"remote"}""");
        var byRanges = await SubmitAsync(s, """{"path":"scenes/l7.tif","formula":"ndvi","output":"out/ndvi-ranges.tif"}""", """{"kind":"ranges"}""");
        await s.Cluster.WaitForStateAsync(onMount.Id, st => st.IsTerminal(), TimeSpan.FromSeconds(60));
        await s.Cluster.WaitForStateAsync(overHttp.Id, st => st.IsTerminal(), TimeSpan.FromSeconds(60));
        await s.Cluster.WaitForStateAsync(byRanges.Id, st => st.IsTerminal(), TimeSpan.FromSeconds(60));
        await Assert.That((await GetAsync(s, byRanges.Id)).Status).IsEqualTo("completed");
        await Assert.That(await LogAsync(s, overHttp.Id)).Contains("downloaded scenes/l7.tif");
        await Assert.That(await LogAsync(s, byRanges.Id)).DoesNotContain("downloaded scenes/l7.tif");

        var mounted = await GetAsync(s, onMount.Id);
        var remote = await GetAsync(s, overHttp.Id);
        await Assert.That(mounted.Status).IsEqualTo("completed");
        await Assert.That(remote.Status).IsEqualTo("completed");
        await Assert.That(await LogAsync(s, overHttp.Id)).Contains("over HTTP from the coordinator");
        await Assert.That(await LogAsync(s, onMount.Id)).DoesNotContain("over HTTP");

        // Each output is an entry, indexed with GDAL's reading of it, and holds exactly the job's artifact.
        foreach (var (job, path) in new[] { (mounted, "out/ndvi-mounted.tif"), (remote, "out/ndvi-http.tif") })
        {
            var entry = await EntryAsync(s, path);
            await Assert.That(entry).IsNotNull();
            await Assert.That(entry!.Sha256).IsEqualTo(job.Artifact!.Sha256);
            await Assert.That(entry.Raster!.Bands).IsEqualTo(1);
            await Assert.That(entry.Raster.DataType).IsEqualTo("Float32");
            await Assert.That(entry.Raster.Crs).IsEqualTo("EPSG:31985"); // the sample's (SIRGAS 2000 / UTM 25S), as gdalinfo shows it
            await Assert.That(entry.Raster.Bounds4326!.Count).IsEqualTo(4);
            using var download = await s.Cluster.Api.GetAsync($"{Dataset}/files/{path}", s.Token);
            var bytes = await download.Content.ReadAsByteArrayAsync();
            await Assert.That(Convert.ToHexStringLower(SHA256.HashData(bytes))).IsEqualTo(job.Artifact.Sha256);
        }

        // Read in place or over HTTP, the same input gives the same pixels.
        var a = RasterOracles.ReadBand(Path.Combine(s.Cluster.DatasetsDir, "acme", "field", "out", "ndvi-mounted.tif"));
        var b = RasterOracles.ReadBand(Path.Combine(s.Cluster.DatasetsDir, "acme", "field", "out", "ndvi-http.tif"));
        var c = RasterOracles.ReadBand(Path.Combine(s.Cluster.DatasetsDir, "acme", "field", "out", "ndvi-ranges.tif"));
        await Assert.That(Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(c.Pixels.AsSpan()))))
            .IsEqualTo(Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.Pixels.AsSpan()))));
        await Assert.That(Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.Pixels.AsSpan()))))
            .IsEqualTo(Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.Pixels.AsSpan()))));

        // The upload was indexed with its raster details too, and nothing is left staged.
        var scene = (await EntryAsync(s, "scenes/l7.tif"))!;
        await Assert.That(scene.Raster!.Width).IsEqualTo(a.Width);
        await Assert.That(scene.Raster.Bands).IsEqualTo(6);
        // As gdalinfo -json's wgs84Extent of the sample (7 decimals): west -34.916589, south -8.040927, east -34.8259656, north -7.9498221.
        var bounds = scene.Raster.Bounds4326!;
        await Assert.That(bounds[0]).IsEqualTo(-34.916589).Within(1e-6);
        await Assert.That(bounds[1]).IsEqualTo(-8.040927).Within(1e-6);
        await Assert.That(bounds[2]).IsEqualTo(-34.8259656).Within(1e-6);
        await Assert.That(bounds[3]).IsEqualTo(-7.9498221).Within(1e-6);
        await Assert.That(Directory.EnumerateFiles(Path.Combine(s.Cluster.DatasetsDir, ".incoming"), "*.out", SearchOption.AllDirectories).Count()).IsEqualTo(0);
    }

    [Test]
    public async Task two_jobs_writing_one_path_the_first_to_finish_wins_and_the_other_fails_leaving_the_winner()
    {
        await using var s = await StartAsync();
        var first = await SubmitAsync(s, """{"path":"scenes/l7.tif","formula":"ndvi","output":"out/same.tif"}""");
        var second = await SubmitAsync(s, """{"path":"scenes/l7.tif","formula":"ndwi","output":"out/same.tif"}""");
        // One slot: they run one after the other, both submitted before either wrote.
        await s.Cluster.AddAgentAsync("one", slots: 1, datasetsDir: s.Cluster.DatasetsDir);
        await s.Cluster.WaitForStateAsync(first.Id, st => st.IsTerminal(), TimeSpan.FromSeconds(60));
        await s.Cluster.WaitForStateAsync(second.Id, st => st.IsTerminal(), TimeSpan.FromSeconds(60));

        var jobs = new[] { await GetAsync(s, first.Id), await GetAsync(s, second.Id) };
        var winner = jobs.Single(j => j.Status == "completed");
        var loser = jobs.Single(j => j.Status == "failed");
        await Assert.That(loser.Error!.Code).IsEqualTo("output_conflict");
        await Assert.That(loser.Error.Retryable).IsFalse();
        await Assert.That(loser.Artifact).IsNull();
        await Assert.That((await EntryAsync(s, "out/same.tif"))!.Sha256).IsEqualTo(winner.Artifact!.Sha256);
    }

    [Test]
    public async Task an_output_path_written_by_someone_else_while_the_job_waited_is_kept_and_the_job_fails()
    {
        await using var s = await StartAsync();
        var job = await SubmitAsync(s, """{"path":"scenes/l7.tif","output":"out/mine.tif"}""");
        using (var upload = new HttpRequestMessage(HttpMethod.Put, Dataset + "/files/out/mine.tif") { Content = new ByteArrayContent([1, 2, 3]) })
        {
            upload.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", s.Token);
            (await s.Cluster.Api.Http.SendAsync(upload)).EnsureSuccessStatusCode();
        }

        await s.Cluster.AddAgentAsync("late", datasetsDir: s.Cluster.DatasetsDir);
        await s.Cluster.WaitForStateAsync(job.Id, st => st.IsTerminal(), TimeSpan.FromSeconds(60));

        await Assert.That((await GetAsync(s, job.Id)).Error!.Code).IsEqualTo("output_conflict");
        var entry = (await EntryAsync(s, "out/mine.tif"))!;
        await Assert.That(entry.Size).IsEqualTo(3);
        await Assert.That(entry.Raster).IsNull();
    }

    /// <summary>The lease URL: its token is the only credential, and it opens nothing but that lease's inputs while the lease holds.</summary>
    [Test]
    public async Task a_lease_url_serves_only_its_job_s_inputs_and_only_while_its_lease_holds()
    {
        await using var s = await StartAsync();
        var job = await SubmitAsync(s, """{"path":"scenes/l7.tif"}""");
        // No agent: take the lease as one would, so the URL can be tried while it holds.
        var node = (await s.Cluster.Ledger.RegisterNodeAsync("k", "n", "[]", 1)).Id;
        var lease = (await s.Cluster.Ledger.GrantAsync(node, ["raster-export"]))[0];
        var token = Token(s, lease.JobId, lease.Fence);
        var url = $"v1/leases/{token}/files/";

        using (var input = await s.Cluster.Api.GetAsync(url + "scenes/l7.tif", null))
        {
            await Assert.That(input.StatusCode).IsEqualTo(HttpStatusCode.OK);
            await Assert.That((await input.Content.ReadAsByteArrayAsync()).Length).IsEqualTo((int)new FileInfo(Samples.Path("L7_ETMs.tif")).Length);
        }

        using (var range = new HttpRequestMessage(HttpMethod.Get, url + "scenes/l7.tif"))
        {
            range.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 15);
            using var partial = await s.Cluster.Api.Http.SendAsync(range);
            await Assert.That(partial.StatusCode).IsEqualTo(HttpStatusCode.PartialContent);
            await Assert.That((await partial.Content.ReadAsByteArrayAsync()).Length).IsEqualTo(16);
        }

        (await s.Cluster.Api.SendAsync(HttpMethod.Put, Dataset + "/files/secret.txt", s.Token, "{}")).Dispose();
        foreach (var (path, status, code) in new[]
        {
            ("secret.txt", HttpStatusCode.NotFound, "not_an_input"),
            ("scenes/l7.tif.aux.xml", HttpStatusCode.NotFound, "not_an_input"),
            ("scenes/l7%01.tif", HttpStatusCode.BadRequest, "invalid_path"),
        })
        {
            using var refused = await s.Cluster.Api.GetAsync(url + path, null);
            await Assert.That(refused.StatusCode).IsEqualTo(status);
            await Assert.That((await ApiServer.ProblemAsync(refused)).ErrorCode).IsEqualTo(code);
        }

        // A MAC with its last digit changed (to another digit, whatever it was: "0" would be the real one 1 time in 16).
        var genuine = Token(s, job.Id, lease.Fence + 1);
        var altered = genuine[..^1] + (genuine[^1] == '0' ? "1" : "0");
        foreach (var forged in new[] { altered, $"{job.Id}.{lease.Fence}.00", "x", $"{job.Id + 1}.{lease.Fence}.{token.Split('.')[2]}" })
        {
            using var refused = await s.Cluster.Api.GetAsync($"v1/leases/{forged}/files/scenes/l7.tif", null);
            await Assert.That(refused.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        }

        // A token of a fence the job has moved past, and of an ended lease, open nothing.
        await s.Cluster.Ledger.RejectAsync(lease.JobId, lease.Fence);
        using (var stale = await s.Cluster.Api.GetAsync(url + "scenes/l7.tif", null))
        {
            await Assert.That(stale.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
            await Assert.That((await ApiServer.ProblemAsync(stale)).ErrorCode).IsEqualTo("lease_not_held");
        }
    }

    /// <summary>The token as the coordinator issues it: job.fence.HMAC-SHA256 (first 16 bytes, hex) under DATA_DIR/lease.key.</summary>
    private static string Token(Setup s, long jobId, long fence)
    {
        var key = File.ReadAllBytes(Path.Combine(s.Cluster.Api.Server.Options.DataDir, "lease.key"));
        var mac = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{jobId}.{fence}"));
        return $"{jobId}.{fence}.{Convert.ToHexStringLower(mac.AsSpan(0, 16))}";
    }
}
