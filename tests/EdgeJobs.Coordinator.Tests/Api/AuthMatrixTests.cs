using System.Net;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Api;

/// <summary>
/// Every endpoint with no token, an unknown token, a valid token without the scope, and the right
/// scope: 401 is "who are you", 403 is "not allowed", and only the right scope gets through.
/// </summary>
public class AuthMatrixTests
{
    public enum Needs { AnyJobs, Read, Write, Admin }

    public static IEnumerable<Func<(string Method, string Path, string? Body, Needs Needs)>> Endpoints()
    {
        yield return () => ("GET", "v1/tools", null, Needs.AnyJobs);
        yield return () => ("GET", "v1/tools/sleep", null, Needs.AnyJobs);
        yield return () => ("GET", "v1/sys/features", null, Needs.AnyJobs);
        yield return () => ("POST", "v1/jobs", """{"tool":"sleep","params":{"seconds":1}}""", Needs.Write);
        yield return () => ("GET", "v1/jobs", null, Needs.Read);
        yield return () => ("GET", "v1/jobs/{id}", null, Needs.Read);
        yield return () => ("GET", "v1/jobs/{id}/events", null, Needs.Read);
        yield return () => ("GET", "v1/jobs/{id}/log", null, Needs.Read);
        yield return () => ("GET", "v1/jobs/{id}/progress", null, Needs.Read);
        yield return () => ("POST", "v1/jobs/{id}/stop", null, Needs.Write);
        yield return () => ("DELETE", "v1/jobs/{id}", null, Needs.Write);
        yield return () => ("DELETE", "v1/jobs?status=terminal", null, Needs.Admin);
        yield return () => ("POST", "v1/jobs/cleanup", """{"older_than_s":0}""", Needs.Admin);
        yield return () => ("GET", "v1/nodes", null, Needs.Admin);
        yield return () => ("GET", "metrics", null, Needs.Admin);
        yield return () => ("POST", "v1/jobs/validate", """{"tool":"sleep","params":{"seconds":1}}""", Needs.Write);
        yield return () => ("POST", "v1/jobs/estimate", """{"tool":"sleep","params":{"seconds":1}}""", Needs.Write);
    }

    [Test]
    [MethodDataSource(nameof(Endpoints))]
    public async Task every_endpoint_answers_401_403_or_lets_the_right_scope_through(string method, string path, string? body, Needs needs)
    {
        await using var api = await ApiServer.StartAsync();
        var job = await api.SubmitAsync(api.Bob);
        var url = path.Replace("{id}", job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var verb = new HttpMethod(method);

        using (var none = await api.SendAsync(verb, url, null, body))
        {
            await Assert.That(none.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
            await Assert.That((await ApiServer.ProblemAsync(none)).ErrorCode).IsEqualTo("unauthorized");
        }

        using (var unknown = await api.SendAsync(verb, url, ApiServer.UnknownToken, body))
        {
            await Assert.That(unknown.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
        }

        var wrong = needs switch
        {
            Needs.AnyJobs => api.Agent,
            Needs.Read => api.WriteOnly,
            Needs.Write => api.Reader,
            _ => api.Bob,
        };
        var before = await api.SnapshotAsync();
        using (var forbidden = await api.SendAsync(verb, url, wrong, body))
        {
            await Assert.That(forbidden.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
            await Assert.That((await ApiServer.ProblemAsync(forbidden)).ErrorCode).IsEqualTo("forbidden");
        }

        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
        using (var agent = await api.SendAsync(verb, url, api.Agent, body))
        {
            await Assert.That(agent.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        }

        // The right scope gets through to the operation itself (a delete of a still-active job is then
        // the state rule's 409, not an auth refusal).
        var right = needs == Needs.Admin ? api.Admin : api.Bob;
        using var allowed = await api.SendAsync(verb, url, right, body);
        var expected = method == "DELETE" && path.Contains("{id}", StringComparison.Ordinal) ? 409 : 200;
        await Assert.That((int)allowed.StatusCode / 100).IsEqualTo(expected / 100);
    }

    [Test]
    [Arguments("healthz")]
    [Arguments("readyz")]
    public async Task health_and_readiness_need_no_token(string path)
    {
        await using var api = await ApiServer.StartAsync();
        using var response = await api.GetAsync(path, null);
        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
    }

    [Test]
    [Arguments("Basic dXNlcjpwYXNz")]
    [Arguments("Bearer")]
    [Arguments("Bearer ")]
    [Arguments("ej_without_the_scheme")]
    public async Task malformed_authorization_headers_are_401(string header)
    {
        await using var api = await ApiServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/jobs");
        request.Headers.TryAddWithoutValidation("Authorization", header);
        using var response = await api.Http.SendAsync(request);
        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task a_writer_acting_on_another_owners_job_gets_403_and_changes_nothing()
    {
        await using var api = await ApiServer.StartAsync();
        var job = await api.SubmitAsync(api.Bob);
        var before = await api.SnapshotAsync();

        foreach (var (method, path) in new[] { ("GET", $"v1/jobs/{job.Id}"), ("GET", $"v1/jobs/{job.Id}/events"), ("GET", $"v1/jobs/{job.Id}/log"), ("GET", $"v1/jobs/{job.Id}/progress"), ("POST", $"v1/jobs/{job.Id}/stop"), ("DELETE", $"v1/jobs/{job.Id}") })
        {
            using var response = await api.SendAsync(new HttpMethod(method), path, api.Carol);
            await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        }

        using var list = await api.GetAsync("v1/jobs?owner=bob", api.Carol);
        await Assert.That(list.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }
}
