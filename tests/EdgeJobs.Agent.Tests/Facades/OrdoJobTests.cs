using System.Net;
using System.Text.Json;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests.Facades;

/// <summary>
/// Seed 001's jobs API at /ordo, driven as its document's worked example drives it, with a two-step raster recipe
/// (reproject, then build) in place of the point-cloud one, on a real agent and real GDAL.
/// </summary>
[Category("gdal")]
public class OrdoJobTests
{
    private const string Submit = """
        {"recipe":{"name":"site-cog","version":"1","steps":[
           {"id":"reproject","tool":"reproject","params":{"path":"input:scene"},"param_keys":["crs"]},
           {"id":"build","tool":"build","params":{"path":"step:reproject.output"}}]},
         "inputs":{"scene":"uploads/piney-dam/L7_ETMs.tif"},
         "params":{"reproject":{"crs":"EPSG:3857"}},
         "outputs":{"step:build.output":"development/results/piney-dam/cog/"}}
        """;

    [Test]
    public async Task the_document_s_submit_poll_and_list_work_and_the_output_lands_where_declared()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "uploads/piney-dam/L7_ETMs.tif");

        using var created = await cluster.Api.SendAsync(HttpMethod.Post, "ordo/jobs", cluster.Api.Bob, Submit);
        await Assert.That(created.StatusCode).IsEqualTo(HttpStatusCode.Created);
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        await Assert.That(body.RootElement.EnumerateObject().Select(p => p.Name).ToArray()).IsEquivalentTo(new[] { "id" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        var id = body.RootElement.GetProperty("id").GetInt64();

        await cluster.WaitForStateAsync(id, s => s is Protocol.Jobs.JobState.Completed or Protocol.Jobs.JobState.Failed, TimeSpan.FromSeconds(60));
        using var polled = await cluster.Api.GetAsync($"ordo/jobs/{id}", cluster.Api.Bob);
        await Assert.That(polled.StatusCode).IsEqualTo(HttpStatusCode.OK);
        using var detail = JsonDocument.Parse(await polled.Content.ReadAsStringAsync());
        var root = detail.RootElement;

        await Assert.That(root.EnumerateObject().Select(p => p.Name).ToArray())
            .IsEquivalentTo(new[] { "job", "progress", "duration_ms", "timeline", "steps", "artifacts", "outputs" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        var job = root.GetProperty("job");
        await Assert.That(job.EnumerateObject().Select(p => p.Name).ToArray())
            .IsEquivalentTo(new[] { "id", "recipe_id", "status", "created_at", "started_at", "finished_at", "error", "params" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(job.GetProperty("status").GetString()).IsEqualTo("success");
        await Assert.That(job.GetProperty("error").ValueKind).IsEqualTo(JsonValueKind.Null);
        await Assert.That(job.GetProperty("recipe_id").ValueKind).IsEqualTo(JsonValueKind.Null); // an inline recipe
        await Assert.That(job.GetProperty("params").GetProperty("reproject").GetProperty("crs").GetString()).IsEqualTo("EPSG:3857");
        await Assert.That(job.GetProperty("created_at").GetString()).Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$");
        var progress = root.GetProperty("progress");
        await Assert.That(progress.GetProperty("percentage").GetDouble()).IsEqualTo(1);
        await Assert.That(progress.GetProperty("completed_steps").GetInt32()).IsEqualTo(2);
        await Assert.That(progress.GetProperty("total_steps").GetInt32()).IsEqualTo(2);
        await Assert.That(root.GetProperty("duration_ms").GetInt64()).IsGreaterThan(0);

        var timeline = root.GetProperty("timeline").EnumerateArray().ToList();
        await Assert.That(timeline.Select(t => (t.GetProperty("step").GetString()!, t.GetProperty("type").GetString()!, t.GetProperty("status").GetString()!)).ToArray())
            .IsEquivalentTo(new[] { ("reproject", "reproject", "success"), ("build", "build", "success") }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(timeline.All(t => t.GetProperty("duration_ms").GetInt64() >= 0)).IsTrue();
        var steps = root.GetProperty("steps").EnumerateArray().ToList();
        await Assert.That(steps.All(s => s.GetProperty("job_id").GetInt64() == id)).IsTrue();
        await Assert.That(steps.Select(s => (s.GetProperty("step_id").GetString()!, s.GetProperty("step_type").GetString()!, s.GetProperty("status").GetString()!)).ToArray())
            .IsEquivalentTo(new[] { ("reproject", "reproject", "success"), ("build", "build", "success") }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(root.GetProperty("artifacts").GetArrayLength()).IsEqualTo(2);
        var outputs = root.GetProperty("outputs").EnumerateArray().Single();
        await Assert.That(outputs.GetProperty("artifact_name").GetString()).IsEqualTo("step:build.output");
        await Assert.That(outputs.GetProperty("path").GetString()).IsEqualTo("development/results/piney-dam/cog/");
        var landed = Directory.GetFiles(Path.Combine(cluster.Api.DataRoot, "development", "results", "piney-dam", "cog"));
        await Assert.That(landed.Length).IsEqualTo(1);
        await Assert.That(await RasterOracles.ValidateCogAsync(landed[0])).Contains("is a valid cloud optimized GeoTIFF");

        using var list = await cluster.Api.GetAsync("ordo/jobs", cluster.Api.Bob);
        using var listed = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        var first = listed.RootElement.EnumerateArray().First();
        await Assert.That(first.GetProperty("id").GetInt64()).IsEqualTo(id);
        await Assert.That(first.GetProperty("status").GetString()).IsEqualTo("success");

        // The same job through v1: one ledger behind every front door.
        using var v1 = await cluster.Api.GetAsync($"v1/jobs/{id}", cluster.Api.Bob);
        await Assert.That(v1.StatusCode).IsEqualTo(HttpStatusCode.OK);
    }
}
