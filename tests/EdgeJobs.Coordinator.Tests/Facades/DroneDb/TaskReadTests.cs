using System.Net;
using EdgeJobs.Coordinator.Facades.DroneDb;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Facades.DroneDb;

/// <summary>Listing a dataset's tasks, reading one, its log and its result: the seed's filters and paging, and every refusal.</summary>
public class TaskReadTests
{
    [Test]
    public async Task the_list_is_newest_first_and_filters_by_tool_and_state_with_the_seed_s_empty_filters()
    {
        await using var h = await TaskHarness.StartAsync();
        var export = await h.SubmitAsync(h.Amy);
        var info = await h.SubmitAsync(h.Ben, """{"toolId":"info","path":"orthophoto.tif"}""");
        var sleep = await h.SubmitAsync(h.Amy, """{"toolId":"sleep","params":{"seconds":60}}""");
        await JobWalker.IntoStateAsync(h.Api.Ledger, long.Parse(info.TaskId, System.Globalization.CultureInfo.InvariantCulture), JobState.Completed);

        // The seed's own example query: empty toolId and state are no filter.
        var all = await h.ListAsync("?toolId=&state=&skip=0&take=50");
        await Assert.That(all.Select(t => t.TaskId)).IsEquivalentTo([sleep.TaskId, info.TaskId, export.TaskId], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(all[0].TaskId).IsEqualTo(sleep.TaskId);
        // Every reader of the dataset sees its tasks, whoever submitted them.
        await Assert.That((await h.ListAsync(token: h.Reader)).Count).IsEqualTo(3);
        await Assert.That((await h.ListAsync("?toolId=info")).Single().TaskId).IsEqualTo(info.TaskId);
        await Assert.That((await h.ListAsync("?state=Succeeded")).Single().TaskId).IsEqualTo(info.TaskId);
        await Assert.That((await h.ListAsync("?state=enqueued")).Select(t => t.TaskId)).IsEquivalentTo([sleep.TaskId, export.TaskId], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(await h.ListAsync("?state=Created")).IsEmpty();
        await Assert.That((await h.ListAsync("?skip=1&take=1")).Single().TaskId).IsEqualTo(info.TaskId);
        // take is clamped to 200, not refused.
        await Assert.That((await h.ListAsync("?take=100000")).Count).IsEqualTo(3);
        // Past 200 tasks, a larger take still gives 200.
        for (var i = 0; i < 200; i++)
        {
            await h.Api.Ledger.SubmitAsync(new EdgeJobs.Coordinator.Ledger.NewJob
            {
                Tool = "info", ToolVersion = "1", Params = $$"""{"path":"orthophoto.tif","n":{{i}}}""", Owner = "amy", Org = "myorg", Dataset = "myds",
            });
        }

        await Assert.That((await h.ListAsync("?take=100000")).Count).IsEqualTo(200);
        await Assert.That((await h.ListAsync("?skip=200&take=100000")).Count).IsEqualTo(3);
        // Another org's list does not show these.
        await Assert.That(await h.ListAsync(token: h.Zed, tasks: "orgs/zeta/ds/other/tasks")).IsEmpty();
    }

    [Test]
    [Arguments("?take=0", "take")]
    [Arguments("?take=-1", "take")]
    [Arguments("?take=ten", "take")]
    [Arguments("?skip=-1", "skip")]
    [Arguments("?skip=1.5", "skip")]
    [Arguments("?state=Running", "state")]
    [Arguments("?state=completed", "state")]
    [Arguments("?page=2", "page")]
    public async Task a_bad_list_query_is_a_400_naming_it(string query, string field)
    {
        await using var h = await TaskHarness.StartAsync();

        using var refused = await h.GetAsync(TaskHarness.Tasks + query, h.Amy);

        await Assert.That(refused.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(refused)).Errors!.Select(e => e.Path)).Contains(field);
    }

    [Test]
    public async Task a_status_has_the_seed_s_fields_and_times_in_utc()
    {
        await using var h = await TaskHarness.StartAsync();
        var task = await h.SubmitAsync(h.Amy);

        using var response = await h.GetAsync($"{TaskHarness.Tasks}/{task.TaskId}", h.Amy);
        var body = await response.Content.ReadAsStringAsync();

        foreach (var field in new[] { "taskId", "toolId", "version", "state", "progress", "createdAt", "startedAt", "finishedAt", "logCursor", "logTail", "artifact", "error" })
        {
            await Assert.That(body).Contains($"\"{field}\":");
        }

        var status = (await ApiServer.ReadAsync(response, TaskJsonContext.Default.TaskStatusDto))!;
        await Assert.That(status.State).IsEqualTo("Enqueued");
        await Assert.That(status.Progress.Percent).IsEqualTo(0);
        await Assert.That(status.Artifact).IsNull();
        await Assert.That(status.LogTail).IsEmpty();
        await Assert.That(body).Contains("\"startedAt\":null").And.Contains("Z\",");
    }

    [Test]
    public async Task the_log_returns_lines_after_since_and_a_cursor()
    {
        await using var h = await TaskHarness.StartAsync();
        var task = await h.SubmitAsync(h.Amy);
        var id = long.Parse(task.TaskId, System.Globalization.CultureInfo.InvariantCulture);
        var running = await JobWalker.IntoStateAsync(h.Api.Ledger, id, JobState.Running);
        await h.Api.Ledger.AppendLogAsync(id, running.Fence, ["[10:00:05] Starting export ...", "[10:00:10] Band 1/4 done", "[10:00:11] Band 2/4 done"]);

        using var first = await h.GetAsync($"{TaskHarness.Tasks}/{task.TaskId}/log?since=0", h.Amy);
        var page = (await ApiServer.ReadAsync(first, TaskJsonContext.Default.TaskLogDto))!;
        await Assert.That(page.Lines.Count).IsEqualTo(3);
        await Assert.That(page.TruncatedFromTail).IsEqualTo(0);

        using var next = await h.GetAsync($"{TaskHarness.Tasks}/{task.TaskId}/log?since=1", h.Amy);
        var rest = (await ApiServer.ReadAsync(next, TaskJsonContext.Default.TaskLogDto))!;
        await Assert.That(rest.Lines).IsEquivalentTo(["[10:00:10] Band 1/4 done", "[10:00:11] Band 2/4 done"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(rest.Cursor).IsEqualTo(page.Cursor);

        using var bad = await h.GetAsync($"{TaskHarness.Tasks}/{task.TaskId}/log?since=-1", h.Amy);
        await Assert.That(bad.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await h.StatusAsync(task.TaskId)).LogTail!.Count).IsEqualTo(3);
    }

    [Test]
    public async Task the_result_of_a_task_that_has_not_succeeded_is_409_with_its_state()
    {
        await using var h = await TaskHarness.StartAsync();
        var task = await h.SubmitAsync(h.Amy);

        using var refused = await h.GetAsync($"{TaskHarness.Tasks}/{task.TaskId}/result", h.Amy);

        await Assert.That(refused.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        var problem = await ApiServer.ProblemAsync(refused);
        await Assert.That(problem.ErrorCode).IsEqualTo("task_not_succeeded");
        await Assert.That(problem.State).IsEqualTo("Enqueued");
    }

    [Test]
    [Arguments("", "status")]
    [Arguments("/log", "log")]
    [Arguments("/result", "result")]
    public async Task unknown_malformed_and_other_datasets_tasks_are_refused_without_a_leak(string suffix, string what)
    {
        await using var h = await TaskHarness.StartAsync();
        var theirs = await h.SubmitAsync(h.Zed, tasks: "orgs/zeta/ds/other/tasks");
        var before = await h.StateAsync();

        using var unknown = await h.GetAsync($"{TaskHarness.Tasks}/999999{suffix}", h.Amy);
        using var malformed = await h.GetAsync($"{TaskHarness.Tasks}/abc123{suffix}", h.Amy);
        using var otherOrgsTaskHere = await h.GetAsync($"{TaskHarness.Tasks}/{theirs.TaskId}{suffix}", h.Amy);
        using var otherOrgsDataset = await h.GetAsync($"orgs/zeta/ds/other/tasks/{theirs.TaskId}{suffix}", h.Amy);

        await Assert.That(unknown.StatusCode).IsEqualTo(HttpStatusCode.NotFound).Because(what);
        await Assert.That(malformed.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(malformed)).Errors!.Select(e => e.Path)).Contains("taskId");
        await Assert.That(otherOrgsTaskHere.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That((await ApiServer.ProblemAsync(otherOrgsTaskHere)).ErrorCode).IsEqualTo("task_not_found");
        await Assert.That(otherOrgsDataset.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That((await ApiServer.ProblemAsync(otherOrgsDataset)).ErrorCode).IsEqualTo("dataset_not_found");
        await Assert.That(await h.StateAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task a_token_narrowed_to_other_datasets_finds_neither_the_dataset_nor_its_tasks()
    {
        await using var h = await TaskHarness.StartAsync();
        var task = await h.SubmitAsync(h.Amy);
        var secret = EdgeJobs.Coordinator.Auth.TokenSecrets.Generate();
        await h.Api.Ledger.CreateTokenAsync("nora", [Scopes.JobsRead, Scopes.JobsWrite, Scopes.DatasetsRead], EdgeJobs.Coordinator.Auth.TokenSecrets.Hash(secret), "myorg", ["elsewhere"]);
        var before = await h.StateAsync();

        using var list = await h.GetAsync(TaskHarness.Tasks, secret);
        using var status = await h.GetAsync($"{TaskHarness.Tasks}/{task.TaskId}", secret);
        using var submit = await h.SendAsync(HttpMethod.Post, TaskHarness.Tasks, secret, TaskHarness.SeedSubmit);

        await Assert.That(list.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(status.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(submit.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(await h.StateAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task reading_needs_a_token_jobs_read_and_datasets_read()
    {
        await using var h = await TaskHarness.StartAsync();
        var jobsOnly = await h.Api.MintInOrgAsync("joe", "myorg", Scopes.JobsRead);
        var datasetsOnly = await h.Api.MintInOrgAsync("dee", "myorg", Scopes.DatasetsRead);

        using var anonymous = await h.GetAsync(TaskHarness.Tasks, null);
        using var noDatasets = await h.GetAsync(TaskHarness.Tasks, jobsOnly);
        using var noJobs = await h.GetAsync(TaskHarness.Tasks, datasetsOnly);
        using var tools = await h.GetAsync(TaskHarness.Tasks + "/tools", null);

        await Assert.That(anonymous.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
        await Assert.That(noDatasets.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        await Assert.That(noJobs.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        await Assert.That(tools.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task the_tools_are_described_in_the_seed_s_words()
    {
        await using var h = await TaskHarness.StartAsync();

        using var response = await h.GetAsync(TaskHarness.Tasks + "/tools", h.Reader);
        var tools = (await ApiServer.ReadAsync(response, TaskJsonContext.Default.IReadOnlyListTaskToolDto))!;

        var export = tools.Single(t => t.Id == "raster-export");
        await Assert.That(export.Version).IsEqualTo("1");
        await Assert.That(export.RequiredAccess).IsEqualTo("Read");
        await Assert.That(export.ProducesArtifact).IsTrue();
        var properties = export.ParamsSchema["properties"]!.AsObject();
        await Assert.That(properties.ContainsKey("outputPath")).IsTrue();
        await Assert.That(properties.ContainsKey("output")).IsFalse();
        var align = tools.Single(t => t.Id == "align-raster");
        await Assert.That(align.RequiredAccess).IsEqualTo("Write");
        var alignProperties = align.ParamsSchema["properties"]!.AsObject();
        await Assert.That(alignProperties.ContainsKey("sourcePath")).IsTrue();
        await Assert.That(alignProperties.ContainsKey("source_path")).IsFalse();
        await Assert.That(align.ParamsSchema["required"]!.AsArray().Select(n => n!.GetValue<string>())).Contains("outputPath").And.Contains("sourcePath");

        using var otherOrg = await h.GetAsync("orgs/zeta/ds/other/tasks/tools", h.Reader);
        await Assert.That(otherOrg.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
    }
}
