using System.Net;
using EdgeJobs.Coordinator.Facades.DroneDb;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Facades.DroneDb;

/// <summary>
/// <c>POST /orgs/{orgSlug}/ds/{dsSlug}/tasks</c> with the seed document's own body: a job on the dataset like any other
/// (visible through /v1/jobs), deduplicated as EdgeJobs dedups, and every refusal a 4xx naming the field as the seed
/// writes it, leaving the ledger as it was.
/// </summary>
public class TaskSubmitTests
{
    [Test]
    public async Task the_seed_s_submit_is_202_with_location_and_the_seed_s_answer()
    {
        await using var h = await TaskHarness.StartAsync();

        using var response = await h.SendAsync(HttpMethod.Post, TaskHarness.Tasks, h.Amy, TaskHarness.SeedSubmit);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        var body = await response.Content.ReadAsStringAsync();
        var task = (await ApiServer.ReadAsync(response, TaskJsonContext.Default.TaskSubmittedDto))!;
        await Assert.That(response.Headers.Location!.ToString()).IsEqualTo($"/orgs/myorg/ds/myds/tasks/{task.TaskId}");
        await Assert.That(body).Contains("\"taskId\":\"").And.Contains("\"estimatedOutputBytes\":");
        await Assert.That(task.ToolId).IsEqualTo("raster-export");
        await Assert.That(task.Version).IsEqualTo("1");
        await Assert.That(task.Deduplicated).IsFalse();
        await Assert.That(task.StatusUrl).IsEqualTo($"/orgs/myorg/ds/myds/tasks/{task.TaskId}");
        await Assert.That(task.ResultUrl).IsEqualTo($"/orgs/myorg/ds/myds/tasks/{task.TaskId}/result");
        await Assert.That(task.EstimatedOutputBytes).IsEqualTo(2000); // raster-export's estimate: twice the 1000-byte input
    }

    [Test]
    public async Task a_task_is_a_job_on_the_dataset_with_the_tool_s_own_params()
    {
        await using var h = await TaskHarness.StartAsync();

        var task = await h.SubmitAsync(h.Amy);

        using var job = await h.GetAsync($"v1/jobs/{task.TaskId}", h.Amy);
        var dto = (await ApiServer.ReadAsync(job, RestJsonContext.Default.JobDto))!;
        await Assert.That(dto.Dataset).IsEqualTo("myorg/myds");
        await Assert.That(dto.Owner).IsEqualTo("amy");
        await Assert.That(dto.Params.GetProperty("path").GetString()).IsEqualTo("orthophoto.tif");
        await Assert.That(dto.Params.GetProperty("formula").GetString()).IsEqualTo("NDVI");
        // Shown back as the seed user wrote them: camelCase, the top-level path inside the params.
        var status = await h.StatusAsync(task.TaskId);
        await Assert.That(status.State).IsEqualTo("Enqueued");
        await Assert.That(status.Params.GetProperty("path").GetString()).IsEqualTo("orthophoto.tif");
        await Assert.That(status.Params.GetProperty("colormap").GetString()).IsEqualTo("rdylgn");
        await Assert.That(status.UserId).IsEqualTo("amy");
    }

    [Test]
    public async Task the_same_task_again_is_200_deduplicated_and_force_makes_a_new_one()
    {
        await using var h = await TaskHarness.StartAsync();
        var first = await h.SubmitAsync(h.Amy);

        using var again = await h.SendAsync(HttpMethod.Post, TaskHarness.Tasks, h.Amy, TaskHarness.SeedSubmit);
        await Assert.That(again.StatusCode).IsEqualTo(HttpStatusCode.OK);
        var repeated = (await ApiServer.ReadAsync(again, TaskJsonContext.Default.TaskSubmittedDto))!;
        await Assert.That(repeated.Deduplicated).IsTrue();
        await Assert.That(repeated.TaskId).IsEqualTo(first.TaskId);

        // The same params written with the path inside them, or with nulls for the optional ones, are the same task.
        using var sameInOtherWords = await h.SendAsync(HttpMethod.Post, TaskHarness.Tasks, h.Amy,
            """{"toolId":"raster-export","params":{"path":"orthophoto.tif","formula":"NDVI","colormap":"rdylgn","rescale":null,"bands":null}}""");
        await Assert.That(sameInOtherWords.StatusCode).IsEqualTo(HttpStatusCode.OK);

        var forced = await h.SubmitAsync(h.Amy, TaskHarness.SeedSubmit.Replace("\"force\":false", "\"force\":true"));
        await Assert.That(forced.TaskId).IsNotEqualTo(first.TaskId);
    }

    [Test]
    public async Task an_idempotency_key_replays_the_first_answer_as_on_v1()
    {
        await using var h = await TaskHarness.StartAsync();
        var forced = TaskHarness.SeedSubmit.Replace("\"force\":false", "\"force\":true");

        async Task<HttpResponseMessage> SendAsync(string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, TaskHarness.Tasks) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", h.Amy);
            request.Headers.Add("Idempotency-Key", "seed-003-key");
            return await h.Api.Http.SendAsync(request);
        }

        using var first = await SendAsync(forced);
        using var replay = await SendAsync(forced);
        using var reused = await SendAsync(TaskHarness.SeedSubmit);

        await Assert.That(first.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        await Assert.That(replay.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        await Assert.That(replay.Headers.GetValues("Idempotent-Replayed").Single()).IsEqualTo("true");
        await Assert.That(await replay.Content.ReadAsStringAsync()).IsEqualTo(await first.Content.ReadAsStringAsync());
        await Assert.That(reused.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        await Assert.That((await h.ListAsync()).Count).IsEqualTo(1);
    }

    [Test]
    public async Task seed_param_names_map_onto_the_tool_s_own()
    {
        await using var h = await TaskHarness.StartAsync();

        var aligned = await h.SubmitAsync(h.Amy,
            """{"toolId":"align-raster","version":"1","params":{"sourcePath":"orthophoto.tif","referencePath":"reference.tif","outputPath":"aligned.tif","mode":"translation"}}""");

        var row = (await h.Api.Ledger.GetJobAsync(long.Parse(aligned.TaskId, System.Globalization.CultureInfo.InvariantCulture)))!;
        await Assert.That(row.Params).Contains("\"source_path\":\"orthophoto.tif\"").And.Contains("\"reference_path\":\"reference.tif\"").And.Contains("\"output\":\"aligned.tif\"");
        var status = await h.StatusAsync(aligned.TaskId);
        await Assert.That(status.Params.GetProperty("outputPath").GetString()).IsEqualTo("aligned.tif");
        await Assert.That(status.Params.GetProperty("sourcePath").GetString()).IsEqualTo("orthophoto.tif");
    }

    public static IEnumerable<Func<(string Body, string Field)>> Refusals()
    {
        yield return () => ("""{"toolId":"no-such-tool","path":"orthophoto.tif"}""", "$.toolId");
        yield return () => ("""{"toolId":"raster-export","version":"9","path":"orthophoto.tif"}""", "$.version");
        yield return () => ("""{"toolId":"raster-export","path":"orthophoto.tif","params":{"colormap":"no-such-map"}}""", "$.params.colormap");
        yield return () => ("""{"toolId":"raster-export","path":"orthophoto.tif","params":{"noSuchParam":1}}""", "$.params.noSuchParam");
        yield return () => ("""{"toolId":"raster-export","path":"orthophoto.tif","params":[1]}""", "$.params");
        yield return () => ("""{"toolId":"raster-export"}""", "$.params.path");
        yield return () => ("""{"toolId":"raster-export","path":"../myds/orthophoto.tif"}""", "$.path");
        yield return () => ("""{"toolId":"raster-export","path":"/etc/passwd"}""", "$.path");
        yield return () => ("""{"toolId":"raster-export","path":"missing.tif"}""", "$.path");
        yield return () => ("""{"toolId":"raster-export","params":{"path":"../../zeta/other/orthophoto.tif"}}""", "$.params.path");
        yield return () => ("""{"toolId":"raster-export","path":"orthophoto.tif","params":{"path":"reference.tif"}}""", "$.path");
        yield return () => ("""{"toolId":"raster-export","path":"orthophoto.tif","params":{"outputPath":"../out.tif"}}""", "$.params.outputPath");
        yield return () => ("""{"toolId":"raster-export","path":"orthophoto.tif","params":{"outputPath":"reference.tif"}}""", "$.params.outputPath");
        yield return () => ("""{"toolId":"align-raster","params":{"sourcePath":"orthophoto.tif","referencePath":"reference.tif"}}""", "$.params.outputPath");
        yield return () => ("""{"toolId":"align-raster","params":{"sourcePath":"../x.tif","referencePath":"reference.tif","outputPath":"a.tif"}}""", "$.params.sourcePath");
        yield return () => ("""{"tool":"raster-export","path":"orthophoto.tif"}""", "$.tool");
        yield return () => ("""{"toolId":"archive-extract","params":{"sourcePath":"orthophoto.tif","destPath":"../out"}}""", "$.params.destPath");
        yield return () => ("""{"toolId":"archive-extract","params":{"sourcePath":"orthophoto.tif","destPath":"/abs"}}""", "$.params.destPath");
        yield return () => ("""{"toolId":"build","params":{"outputPath":"x.tif"}}""", "$.params.outputPath");
    }

    [Test]
    [MethodDataSource(nameof(Refusals))]
    public async Task a_bad_submit_is_a_400_naming_the_seed_s_field_and_adds_no_task(string body, string field)
    {
        await using var h = await TaskHarness.StartAsync();
        var before = await h.StateAsync();

        using var refused = await h.SendAsync(HttpMethod.Post, TaskHarness.Tasks, h.Amy, body);

        await Assert.That(refused.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        var problem = await ApiServer.ProblemAsync(refused);
        await Assert.That(problem.Errors!.Select(e => e.Path)).Contains(field);
        await Assert.That(await h.StateAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task another_org_s_dataset_is_404_a_missing_one_too_and_a_bad_slug_400()
    {
        await using var h = await TaskHarness.StartAsync();
        var before = await h.StateAsync();

        using var otherOrg = await h.SendAsync(HttpMethod.Post, "orgs/zeta/ds/other/tasks", h.Amy, TaskHarness.SeedSubmit);
        using var missing = await h.SendAsync(HttpMethod.Post, "orgs/myorg/ds/nope/tasks", h.Amy, TaskHarness.SeedSubmit);
        using var badSlug = await h.SendAsync(HttpMethod.Post, "orgs/myorg/ds/Bad%20Slug/tasks", h.Amy, TaskHarness.SeedSubmit);

        await Assert.That(otherOrg.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(missing.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That((await ApiServer.ProblemAsync(otherOrg)).Detail).IsEqualTo((await ApiServer.ProblemAsync(missing)).Detail!.Replace("myorg/nope", "zeta/other"));
        await Assert.That(badSlug.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(badSlug)).Errors!.Select(e => e.Path)).Contains("dsSlug");
        await Assert.That(await h.StateAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task without_a_token_401_and_without_the_scopes_403()
    {
        await using var h = await TaskHarness.StartAsync();
        var before = await h.StateAsync();

        using var anonymous = await h.SendAsync(HttpMethod.Post, TaskHarness.Tasks, null, TaskHarness.SeedSubmit);
        using var reader = await h.SendAsync(HttpMethod.Post, TaskHarness.Tasks, h.Reader, TaskHarness.SeedSubmit);
        var noDatasets = await h.Api.MintInOrgAsync("joe", "myorg", EdgeJobs.Protocol.Jobs.Scopes.JobsRead, EdgeJobs.Protocol.Jobs.Scopes.JobsWrite);
        using var jobsOnly = await h.SendAsync(HttpMethod.Post, TaskHarness.Tasks, noDatasets, TaskHarness.SeedSubmit);
        // Writing into the dataset needs datasets:write.
        var readsDatasets = await h.Api.MintInOrgAsync("kim", "myorg", EdgeJobs.Protocol.Jobs.Scopes.JobsWrite, EdgeJobs.Protocol.Jobs.Scopes.DatasetsRead);
        using var writes = await h.SendAsync(HttpMethod.Post, TaskHarness.Tasks, readsDatasets,
            """{"toolId":"raster-export","path":"orthophoto.tif","params":{"outputPath":"ndvi.tif"}}""");

        await Assert.That(anonymous.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
        await Assert.That(reader.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        await Assert.That(jobsOnly.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        await Assert.That(writes.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        await Assert.That(await h.StateAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task too_large_an_estimate_is_413_and_a_full_quota_429_with_retry_after()
    {
        await using var h = await TaskHarness.StartAsync(o => o with { Quotas = o.Quotas with { MaxOutputBytesPerJob = 1500, MaxActivePerOwner = 1 } });
        var before = await h.StateAsync();

        using var tooLarge = await h.SendAsync(HttpMethod.Post, TaskHarness.Tasks, h.Amy, TaskHarness.SeedSubmit);
        await Assert.That(tooLarge.StatusCode).IsEqualTo(HttpStatusCode.RequestEntityTooLarge);
        await Assert.That(await h.StateAsync()).IsEqualTo(before);

        // sleep writes nothing: the first fills amy's one active slot, the second is refused.
        await h.SubmitAsync(h.Amy, """{"toolId":"sleep","params":{"seconds":60}}""");
        var filled = await h.StateAsync();
        using var overQuota = await h.SendAsync(HttpMethod.Post, TaskHarness.Tasks, h.Amy, """{"toolId":"sleep","params":{"seconds":61}}""");
        await Assert.That(overQuota.StatusCode).IsEqualTo(HttpStatusCode.TooManyRequests);
        await Assert.That(overQuota.Headers.RetryAfter).IsNotNull();
        await Assert.That(await h.StateAsync()).IsEqualTo(filled);
    }

    [Test]
    public async Task an_oversized_submit_is_413_and_adds_no_task()
    {
        await using var h = await TaskHarness.StartAsync();
        var before = await h.StateAsync();
        var huge = """{"toolId":"info","path":"orthophoto.tif","params":{"pad":""" + "\"" + new string('x', 3 << 20) + "\"}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, TaskHarness.Tasks)
        {
            Content = new StringContent(huge, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", h.Amy);
        request.Headers.ExpectContinue = true;

        using var response = await h.Api.Http.SendAsync(request);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.RequestEntityTooLarge);
        await Assert.That(await h.StateAsync()).IsEqualTo(before);
    }
}
