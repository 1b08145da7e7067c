using System.Net;
using EdgeJobs.Coordinator.Facades.DroneDb;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Facades.DroneDb;

/// <summary>The admins' dashboard (<c>GET /sys/tasks</c>) and <c>GET /sys/features</c>.</summary>
public class SysTasksTests
{
    [Test]
    public async Task an_admin_sees_tasks_across_users_and_datasets_and_filters_them()
    {
        await using var h = await TaskHarness.StartAsync();
        var amys = await h.SubmitAsync(h.Amy);
        var bens = await h.SubmitAsync(h.Ben, """{"toolId":"info","path":"orthophoto.tif"}""");
        var zeds = await h.SubmitAsync(h.Zed, tasks: "orgs/zeta/ds/other/tasks");
        await h.Api.SubmitAsync(h.Api.Bob); // a job on the data root is no task

        var all = await h.ListAsync(token: h.Admin, tasks: "sys/tasks");
        await Assert.That(all.Select(t => t.TaskId)).IsEquivalentTo([zeds.TaskId, bens.TaskId, amys.TaskId], TUnit.Assertions.Enums.CollectionOrdering.Matching); // newest first
        await Assert.That(all.Single(t => t.TaskId == zeds.TaskId).OrgSlug).IsEqualTo("zeta");
        await Assert.That((await h.ListAsync("?userId=ben", h.Admin, "sys/tasks")).Single().TaskId).IsEqualTo(bens.TaskId);
        await Assert.That((await h.ListAsync("?toolId=raster-export&state=Enqueued&userId=", h.Admin, "sys/tasks")).Count).IsEqualTo(2);

        // An org's admin sees its org's tasks only.
        var orgAdmin = await h.Api.MintInOrgAsync("boss", "myorg", Scopes.JobsAdmin);
        await Assert.That((await h.ListAsync(token: orgAdmin, tasks: "sys/tasks")).Select(t => t.TaskId)).IsEquivalentTo([bens.TaskId, amys.TaskId], TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task sys_tasks_is_for_admins_and_refuses_bad_queries()
    {
        await using var h = await TaskHarness.StartAsync();

        using var nonAdmin = await h.GetAsync("sys/tasks", h.Amy);
        using var anonymous = await h.GetAsync("sys/tasks", null);
        using var badTake = await h.GetAsync("sys/tasks?take=0", h.Admin);
        using var badState = await h.GetAsync("sys/tasks?state=Stopped", h.Admin);

        await Assert.That(nonAdmin.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        await Assert.That(anonymous.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
        await Assert.That(badTake.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That(badState.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(badTake)).Errors!.Select(e => e.Path)).Contains("take");
        await Assert.That((await ApiServer.ProblemAsync(badState)).Errors!.Select(e => e.Path)).Contains("state");
    }

    [Test]
    public async Task features_list_the_seed_s_states_with_their_terminal_flag()
    {
        await using var h = await TaskHarness.StartAsync();

        using var response = await h.GetAsync("sys/features", h.Reader);
        var features = (await ApiServer.ReadAsync(response, TaskJsonContext.Default.SysFeaturesDto))!;

        await Assert.That(features.TaskStates.Select(s => $"{s.Name}:{s.Terminal}")).IsEquivalentTo(
            ["Created:False", "Enqueued:False", "Scheduled:False", "Processing:False", "Succeeded:True", "Failed:True", "Deleted:True"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(features.Tools).Contains("raster-export");
        using var anonymous = await h.GetAsync("sys/features", null);
        await Assert.That(anonymous.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
    }
}
