using System.Net;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Facades.DroneDb;

/// <summary>Every seed-003 route: 401 without a token or with an unknown one, 403 for a token of the wrong kind, and nothing changed.</summary>
public class TaskAuthTests
{
    public static IEnumerable<Func<(string Method, string Path, string? Body)>> Routes()
    {
        yield return () => ("GET", "orgs/myorg/ds/myds/tasks/tools", null);
        yield return () => ("POST", "orgs/myorg/ds/myds/tasks", TaskHarness.SeedSubmit);
        yield return () => ("GET", "orgs/myorg/ds/myds/tasks?toolId=&state=&skip=0&take=50", null);
        yield return () => ("GET", "orgs/myorg/ds/myds/tasks/{id}", null);
        yield return () => ("GET", "orgs/myorg/ds/myds/tasks/{id}/log?since=0", null);
        yield return () => ("GET", "orgs/myorg/ds/myds/tasks/{id}/result", null);
        yield return () => ("DELETE", "orgs/myorg/ds/myds/tasks/{id}", null);
        yield return () => ("POST", "orgs/myorg/ds/myds/tasks/clear?toolId=", null);
        yield return () => ("GET", "sys/tasks?toolId=&state=&userId=&skip=0&take=50", null);
        yield return () => ("GET", "sys/features", null);
    }

    [Test]
    [MethodDataSource(nameof(Routes))]
    public async Task a_route_refuses_a_missing_an_unknown_and_an_agent_token(string method, string path, string? body)
    {
        await using var h = await TaskHarness.StartAsync();
        var task = await h.SubmitAsync(h.Amy);
        var url = path.Replace("{id}", task.TaskId, StringComparison.Ordinal);
        var before = await h.StateAsync();

        using var none = await h.SendAsync(new HttpMethod(method), url, null, body);
        using var unknown = await h.SendAsync(new HttpMethod(method), url, ApiServer.UnknownToken, body);
        using var agent = await h.SendAsync(new HttpMethod(method), url, h.Api.Agent, body);

        await Assert.That(none.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
        await Assert.That((await ApiServer.ProblemAsync(none)).ErrorCode).IsEqualTo("unauthorized");
        await Assert.That(unknown.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
        await Assert.That(agent.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        await Assert.That(await h.StateAsync()).IsEqualTo(before);
    }
}
