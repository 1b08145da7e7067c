using System.Globalization;
using System.Net;
using EdgeJobs.Coordinator.Facades.DroneDb;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Facades.DroneDb;

/// <summary>
/// DELETE (EdgeJobs' stop, then the task reads Deleted and stays listed) and clear (EdgeJobs' delete of ended tasks):
/// only the owner or an admin deletes, and nothing active is ever cleared.
/// </summary>
public class TaskControlTests
{
    private static long Id(TaskSubmittedDto task) => long.Parse(task.TaskId, CultureInfo.InvariantCulture);

    [Test]
    public async Task deleting_an_enqueued_task_stops_the_job_at_once_and_it_reads_deleted()
    {
        await using var h = await TaskHarness.StartAsync();
        var task = await h.SubmitAsync(h.Amy);

        using var deleted = await h.SendAsync(HttpMethod.Delete, $"{TaskHarness.Tasks}/{task.TaskId}", h.Amy);

        await Assert.That(deleted.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That((await ApiServer.ReadAsync(deleted, TaskJsonContext.Default.TaskStatusDto))!.State).IsEqualTo("Deleted");
        await Assert.That((await h.Api.Ledger.GetJobAsync(Id(task)))!.JobState).IsEqualTo(JobState.Stopped);
        await Assert.That((await h.ListAsync("?state=Deleted")).Single().TaskId).IsEqualTo(task.TaskId);
    }

    [Test]
    public async Task deleting_a_processing_task_requests_the_stop_and_it_reads_deleted_once_ended_even_if_it_completes()
    {
        await using var h = await TaskHarness.StartAsync();
        var task = await h.SubmitAsync(h.Amy);
        var running = await JobWalker.IntoStateAsync(h.Api.Ledger, Id(task), JobState.Running);

        using var deleted = await h.SendAsync(HttpMethod.Delete, $"{TaskHarness.Tasks}/{task.TaskId}", h.Amy);
        await Assert.That((await ApiServer.ReadAsync(deleted, TaskJsonContext.Default.TaskStatusDto))!.State).IsEqualTo("Processing");
        await Assert.That((await h.Api.Ledger.GetJobAsync(Id(task)))!.JobState).IsEqualTo(JobState.StopRequested);

        // The agent's success overtook the stop: the job completed, but the user deleted the task.
        await h.Api.Ledger.FinishAsync(Id(task), running.Fence, new EdgeJobs.Coordinator.Ledger.FinishReport(EdgeJobs.Coordinator.Ledger.FinishOutcome.Succeeded));
        await Assert.That((await h.StatusAsync(task.TaskId)).State).IsEqualTo("Deleted");
        using var result = await h.GetAsync($"{TaskHarness.Tasks}/{task.TaskId}/result", h.Amy);
        await Assert.That(result.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
    }

    [Test]
    [Arguments(JobState.Completed)]
    [Arguments(JobState.Failed)]
    public async Task deleting_an_ended_task_marks_it_deleted_and_a_new_submit_is_not_deduplicated_to_it(JobState ended)
    {
        await using var h = await TaskHarness.StartAsync();
        var task = await h.SubmitAsync(h.Amy);
        await JobWalker.IntoStateAsync(h.Api.Ledger, Id(task), ended);
        await Assert.That((await h.StatusAsync(task.TaskId)).State).IsEqualTo(ended == JobState.Completed ? "Succeeded" : "Failed");

        using var deleted = await h.SendAsync(HttpMethod.Delete, $"{TaskHarness.Tasks}/{task.TaskId}", h.Amy);
        using var again = await h.SendAsync(HttpMethod.Delete, $"{TaskHarness.Tasks}/{task.TaskId}", h.Amy);

        await Assert.That(deleted.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(again.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That((await h.StatusAsync(task.TaskId)).State).IsEqualTo("Deleted");
        await Assert.That((await h.Api.Ledger.GetJobAsync(Id(task)))!.JobState).IsEqualTo(ended);
        await Assert.That((await h.ListAsync("?state=Deleted")).Single().TaskId).IsEqualTo(task.TaskId);
        await Assert.That(await h.ListAsync("?state=" + (ended == JobState.Completed ? "Succeeded" : "Failed"))).IsEmpty();
        var resubmitted = await h.SubmitAsync(h.Amy);
        await Assert.That(resubmitted.TaskId).IsNotEqualTo(task.TaskId);
    }

    [Test]
    public async Task only_the_owner_or_an_admin_deletes_a_task()
    {
        await using var h = await TaskHarness.StartAsync();
        var task = await h.SubmitAsync(h.Amy);
        var before = await h.StateAsync();

        using var byBen = await h.SendAsync(HttpMethod.Delete, $"{TaskHarness.Tasks}/{task.TaskId}", h.Ben);
        using var byReader = await h.SendAsync(HttpMethod.Delete, $"{TaskHarness.Tasks}/{task.TaskId}", h.Reader);
        using var byZed = await h.SendAsync(HttpMethod.Delete, $"{TaskHarness.Tasks}/{task.TaskId}", h.Zed);
        using var malformed = await h.SendAsync(HttpMethod.Delete, $"{TaskHarness.Tasks}/abc123", h.Amy);
        using var unknown = await h.SendAsync(HttpMethod.Delete, $"{TaskHarness.Tasks}/999999", h.Amy);
        await Assert.That(byBen.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        await Assert.That(byReader.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        await Assert.That(byZed.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(malformed.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That(unknown.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(await h.StateAsync()).IsEqualTo(before);

        using var byAdmin = await h.SendAsync(HttpMethod.Delete, $"{TaskHarness.Tasks}/{task.TaskId}", h.Admin);
        await Assert.That(byAdmin.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That((await h.StatusAsync(task.TaskId)).State).IsEqualTo("Deleted");
    }

    [Test]
    public async Task clear_removes_the_dataset_s_ended_tasks_and_never_an_active_one()
    {
        await using var h = await TaskHarness.StartAsync();
        var succeeded = await h.SubmitAsync(h.Amy);
        var failed = await h.SubmitAsync(h.Amy, """{"toolId":"info","path":"orthophoto.tif"}""");
        var deleted = await h.SubmitAsync(h.Amy, """{"toolId":"info","path":"reference.tif"}""");
        var active = await h.SubmitAsync(h.Amy, """{"toolId":"sleep","params":{"seconds":60}}""");
        var bens = await h.SubmitAsync(h.Ben, """{"toolId":"sleep","params":{"seconds":1}}""");
        var elsewhere = await h.SubmitAsync(h.Zed, tasks: "orgs/zeta/ds/other/tasks");
        await JobWalker.IntoStateAsync(h.Api.Ledger, Id(succeeded), JobState.Completed);
        await JobWalker.IntoStateAsync(h.Api.Ledger, Id(failed), JobState.Failed);
        await JobWalker.IntoStateAsync(h.Api.Ledger, Id(bens), JobState.Completed);
        await JobWalker.IntoStateAsync(h.Api.Ledger, Id(elsewhere), JobState.Completed);
        (await h.SendAsync(HttpMethod.Delete, $"{TaskHarness.Tasks}/{deleted.TaskId}", h.Amy)).Dispose();

        // A tool filter first: only info's ended tasks go.
        using var infoOnly = await h.SendAsync(HttpMethod.Post, TaskHarness.Tasks + "/clear?toolId=info", h.Amy);
        await Assert.That((await ApiServer.ReadAsync(infoOnly, TaskJsonContext.Default.TasksClearedDto))!.Cleared).IsEqualTo(2);
        // Then amy's remaining ended ones; ben's is his own to clear (or an admin's).
        using var mine = await h.SendAsync(HttpMethod.Post, TaskHarness.Tasks + "/clear?toolId=", h.Amy);
        await Assert.That((await ApiServer.ReadAsync(mine, TaskJsonContext.Default.TasksClearedDto))!.Cleared).IsEqualTo(1);

        var left = await h.ListAsync();
        await Assert.That(left.Select(t => t.TaskId)).IsEquivalentTo([bens.TaskId, active.TaskId], TUnit.Assertions.Enums.CollectionOrdering.Matching); // newest first
        await Assert.That(await h.Api.Ledger.GetJobAsync(Id(succeeded))).IsNull();
        await Assert.That(await h.Api.Ledger.GetJobAsync(Id(elsewhere))).IsNotNull();

        using var byAdmin = await h.SendAsync(HttpMethod.Post, TaskHarness.Tasks + "/clear", h.Admin);
        await Assert.That((await ApiServer.ReadAsync(byAdmin, TaskJsonContext.Default.TasksClearedDto))!.Cleared).IsEqualTo(1);
        await Assert.That((await h.ListAsync()).Single().TaskId).IsEqualTo(active.TaskId);
    }

    [Test]
    public async Task clear_refuses_other_orgs_unknown_filters_and_readers_and_changes_nothing()
    {
        await using var h = await TaskHarness.StartAsync();
        var task = await h.SubmitAsync(h.Zed, tasks: "orgs/zeta/ds/other/tasks");
        await JobWalker.IntoStateAsync(h.Api.Ledger, Id(task), JobState.Completed);
        var before = await h.StateAsync();

        using var otherOrg = await h.SendAsync(HttpMethod.Post, "orgs/zeta/ds/other/tasks/clear", h.Amy);
        using var badFilter = await h.SendAsync(HttpMethod.Post, TaskHarness.Tasks + "/clear?state=Failed", h.Amy);
        using var reader = await h.SendAsync(HttpMethod.Post, TaskHarness.Tasks + "/clear", h.Reader);
        using var anonymous = await h.SendAsync(HttpMethod.Post, TaskHarness.Tasks + "/clear", null);

        await Assert.That(otherOrg.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(badFilter.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That(reader.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        await Assert.That(anonymous.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
        await Assert.That(await h.StateAsync()).IsEqualTo(before);
    }
}
