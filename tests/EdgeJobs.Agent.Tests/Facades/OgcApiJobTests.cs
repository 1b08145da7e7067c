using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests.Facades;

/// <summary>
/// OGC API – Processes at <c>/ogcapi</c> with a real agent: <c>echo</c> synchronously (raw and document) and
/// asynchronously with its pause honoured, dismissal of a finished job, and OWSLib — Debian's python3-owslib, a real
/// client — running a raster-export asynchronously to its downloaded GeoTIFF. Every answer is checked against the official
/// 1.0 schemas.
/// </summary>
public class OgcApiJobTests
{
    // Not base64, so the 1.0 schema's oneOf of a string and a binary value can tell which it is (tests/data/ogcapi-processes-1.0).
    private const string Greeting = "Hello, OGC API – Processes!";

    private static async Task<HttpResponseMessage> ExecuteAsync(Cluster cluster, string process, string body, string? prefer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"ogcapi/processes/{process}/execution")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Api.Bob);
        if (prefer is not null)
        {
            request.Headers.Add("Prefer", prefer);
        }

        return await cluster.Api.Http.SendAsync(request);
    }

    [Test]
    public async Task echo_answers_synchronously_raw_and_as_a_document_and_honours_its_pause()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        var check = new OgcSchemaCheck();

        using var raw = await ExecuteAsync(cluster, "echo", $$$"""{"inputs":{"string_input":"{{{Greeting}}}"}}""");
        await Assert.That(raw.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(raw.Content.Headers.ContentType!.MediaType).IsEqualTo("text/plain");
        await Assert.That(await raw.Content.ReadAsStringAsync()).IsEqualTo(Greeting);
        var jobId = long.Parse(raw.Headers.Location!.Segments[^1]);
        await Assert.That((await cluster.Ledger.GetJobAsync(jobId))!.JobState).IsEqualTo(JobState.Completed);

        var paused = Stopwatch.StartNew();
        using var document = await ExecuteAsync(cluster, "echo", """{"inputs":{"string_input":"twice, paused","pause":1.5},"response":"document","outputs":{"string_output":{"transmissionMode":"value"}}}""");
        paused.Stop();
        await Assert.That(document.StatusCode).IsEqualTo(HttpStatusCode.OK);
        var results = await document.Content.ReadAsStringAsync();
        check.Add("results", "sync document", results);
        await Assert.That(JsonDocument.Parse(results).RootElement.GetProperty("string_output").GetString()).IsEqualTo("twice, paused");
        await Assert.That(paused.Elapsed).IsGreaterThanOrEqualTo(TimeSpan.FromSeconds(1.5));

        // Asynchronously: accepted (or running) at once, successful after the pause, the same results at the results link.
        var asked = Stopwatch.StartNew();
        using var created = await ExecuteAsync(cluster, "echo", """{"inputs":{"string_input":"later, paused","pause":1}}""", "respond-async");
        await Assert.That(created.StatusCode).IsEqualTo(HttpStatusCode.Created);
        var createdInfo = await created.Content.ReadAsStringAsync();
        check.Add("statusInfo", "created", createdInfo);
        // Answered before the job could end (it pauses a second): not waited for.
        await Assert.That(JsonDocument.Parse(createdInfo).RootElement.GetProperty("status").GetString()).IsNotEqualTo("successful");
        string status;
        string info;
        do
        {
            await Task.Delay(100);
            using var polled = await cluster.Api.GetAsync(created.Headers.Location!.PathAndQuery, cluster.Api.Bob);
            info = await polled.Content.ReadAsStringAsync();
            status = JsonDocument.Parse(info).RootElement.GetProperty("status").GetString()!;
        }
        while (status is "accepted" or "running" && asked.Elapsed < TimeSpan.FromSeconds(30));
        await Assert.That(status).IsEqualTo("successful");
        await Assert.That(asked.Elapsed).IsGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
        check.Add("statusInfo", "successful", info);
        var resultsHref = JsonDocument.Parse(info).RootElement.GetProperty("links").EnumerateArray()
            .Single(l => l.GetProperty("rel").GetString() == "http://www.opengis.net/def/rel/ogc/1.0/results").GetProperty("href").GetString()!;
        using var fetched = await cluster.Api.GetAsync(new Uri(resultsHref).PathAndQuery, cluster.Api.Bob);
        var asyncResults = await fetched.Content.ReadAsStringAsync();
        check.Add("results", "async results", asyncResults);
        await Assert.That(JsonDocument.Parse(asyncResults).RootElement.GetProperty("string_output").GetString()).IsEqualTo("later, paused");

        using var list = await cluster.Api.GetAsync("ogcapi/jobs?status=successful&processID=echo", cluster.Api.Bob);
        var jobs = await list.Content.ReadAsStringAsync();
        check.Add("jobList", "successful echoes", jobs);
        await Assert.That(JsonDocument.Parse(jobs).RootElement.GetProperty("jobs").GetArrayLength()).IsEqualTo(3);
        await check.AssertAllValidAsync();
    }

    [Test]
    public async Task an_artifact_is_answered_by_reference_a_link_header_raw_and_a_link_in_the_document()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var raw = await ExecuteAsync(cluster, "random-artifact", """{"inputs":{"bytes":1000,"seed":7}}""");
        await Assert.That(raw.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
        var link = raw.Headers.GetValues("Link").Single();
        var jobId = long.Parse(raw.Headers.Location!.Segments[^1]);
        await Assert.That(link).StartsWith($"<{new Uri(cluster.Api.Http.BaseAddress!, $"v1/jobs/{jobId}/artifact").AbsoluteUri}>; rel=\"result\"");

        using var document = await ExecuteAsync(cluster, "random-artifact", """{"inputs":{"bytes":1000,"seed":8},"response":"document"}""");
        await Assert.That(document.StatusCode).IsEqualTo(HttpStatusCode.OK);
        var results = await document.Content.ReadAsStringAsync();
        var check = new OgcSchemaCheck();
        check.Add("results", "artifact by reference", results);
        await check.AssertAllValidAsync();
        var href = JsonDocument.Parse(results).RootElement.GetProperty("result").GetProperty("href").GetString()!;
        using var file = await cluster.Api.GetAsync(new Uri(href).PathAndQuery, cluster.Api.Bob);
        await Assert.That((await file.Content.ReadAsByteArrayAsync()).Length).IsEqualTo(1000);
    }

    [Test]
    public async Task dismissing_a_finished_job_removes_it_and_its_results()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        using var run = await ExecuteAsync(cluster, "echo", """{"inputs":{"string_input":"short-lived"}}""");
        await Assert.That(run.StatusCode).IsEqualTo(HttpStatusCode.OK);
        var jobId = long.Parse(run.Headers.Location!.Segments[^1]);
        var artifact = (await cluster.Ledger.GetArtifactAsync(jobId))!.Path;

        using var dismiss = await cluster.Api.SendAsync(HttpMethod.Delete, $"ogcapi/jobs/{jobId}", cluster.Api.Bob);
        await Assert.That(dismiss.StatusCode).IsEqualTo(HttpStatusCode.OK);
        var info = await dismiss.Content.ReadAsStringAsync();
        await Assert.That(JsonDocument.Parse(info).RootElement.GetProperty("status").GetString()).IsEqualTo("dismissed");
        var check = new OgcSchemaCheck();
        check.Add("statusInfo", "dismissed", info);
        await check.AssertAllValidAsync();
        await Assert.That(await cluster.Ledger.GetJobAsync(jobId)).IsNull();
        await Assert.That(File.Exists(artifact)).IsFalse();
        using var gone = await cluster.Api.GetAsync($"ogcapi/jobs/{jobId}", cluster.Api.Bob);
        await Assert.That(gone.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
    }

    [Test]
    [Category("gdal")]
    public async Task owslib_lists_the_processes_and_runs_a_raster_export_asynchronously_to_its_geotiff()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "scenes/L7_ETMs.tif");
        using var dir = new TempDir();
        var resultFile = dir.File("ndvi.tif");
        var (exitCode, stdout, stderr) = await PythonScripts.RunAsync("owslib_processes.py", [], environment: new Dictionary<string, string>
        {
            ["OGCAPI_URL"] = new Uri(cluster.Api.Http.BaseAddress!, "ogcapi/").AbsoluteUri,
            ["OGCAPI_TOKEN"] = cluster.Api.Bob,
            ["PROCESS"] = "raster-export",
            ["INPUTS"] = """{"path":"scenes/L7_ETMs.tif","formula":"ndvi","file_name":"ndvi"}""",
            ["RESULT_FILE"] = resultFile,
        });
        await Assert.That(exitCode).IsEqualTo(0).Because(stderr + stdout);
        using var summary = JsonDocument.Parse(stdout);
        var root = summary.RootElement;
        await Assert.That(root.GetProperty("processes").EnumerateArray().Select(p => p.GetString()!).ToArray()).Contains("raster-export").And.Contains("echo");
        await Assert.That(root.GetProperty("conformance").GetArrayLength()).IsEqualTo(6);
        await Assert.That(root.GetProperty("inputs").EnumerateArray().Select(p => p.GetString()!).ToArray()).Contains("formula").And.Contains("path");
        await Assert.That(root.GetProperty("outputs").EnumerateArray().Select(p => p.GetString()!).ToArray()).IsEquivalentTo(["result"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(root.GetProperty("preference_applied").GetString()).IsEqualTo("respond-async");
        await Assert.That(root.GetProperty("statuses").EnumerateArray().Select(s => s.GetString()!).Last()).IsEqualTo("successful");
        await Assert.That(root.GetProperty("result_type").GetString()).IsEqualTo("image/tiff; application=geotiff");

        // The file OWSLib fetched is the job's artifact, byte for byte, and a GeoTIFF.
        var jobId = long.Parse(root.GetProperty("job_id").GetString()!);
        var artifact = (await cluster.Ledger.GetArtifactAsync(jobId))!;
        var bytes = await File.ReadAllBytesAsync(resultFile);
        await Assert.That(bytes.LongLength).IsEqualTo(artifact.SizeBytes);
        await Assert.That(Convert.ToHexStringLower(SHA256.HashData(bytes))).IsEqualTo(artifact.Sha256);
        await Assert.That(Encoding.ASCII.GetString(bytes, 0, 2)).IsEqualTo("II");
        await Assert.That(Path.GetFileName(artifact.Path)).IsEqualTo("ndvi.tif");
    }
}
