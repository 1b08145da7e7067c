using System.Net;
using System.Text;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Api;

/// <summary>Bad input on every endpoint: a clear 4xx problem with a stable code, and nothing changed in the ledger.</summary>
public class BadInputTests
{
    public static IEnumerable<Func<(string Method, string Path)>> IdEndpoints()
    {
        foreach (var id in new[] { "abc", "0", "-1", "1.5", "1e3", "99999999999999999999", "%20", "0x10", "١٢" })
        {
            yield return () => ("GET", $"v1/jobs/{id}");
            yield return () => ("GET", $"v1/jobs/{id}/events");
            yield return () => ("GET", $"v1/jobs/{id}/log");
            yield return () => ("GET", $"v1/jobs/{id}/progress");
            yield return () => ("POST", $"v1/jobs/{id}/stop");
            yield return () => ("DELETE", $"v1/jobs/{id}");
        }
    }

    [Test]
    [MethodDataSource(nameof(IdEndpoints))]
    public async Task malformed_ids_are_400_invalid_id_and_change_nothing(string method, string path)
    {
        await using var api = await ApiServer.StartAsync();
        await api.SubmitAsync(api.Bob);
        var before = await api.SnapshotAsync();

        using var response = await api.SendAsync(new HttpMethod(method), path, api.Admin);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(response)).ErrorCode).IsEqualTo("invalid_id");
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    public static IEnumerable<Func<(string Body, int Status, string Code, string? Path)>> BadSubmits()
    {
        yield return () => ("", 400, "invalid_json", null);
        yield return () => ("{", 400, "invalid_json", null);
        yield return () => ("not json", 400, "invalid_json", null);
        yield return () => ("[]", 400, "invalid_body", "$");
        yield return () => ("null", 400, "invalid_body", "$");
        yield return () => ("""{"params":{"seconds":1}}""", 400, "invalid_body", "$.tool");
        yield return () => ("""{"tool":"sleep","params":{"seconds":1},"colour":"red"}""", 400, "invalid_body", "$.colour");
        yield return () => ("""{"tool":"sleep","tool":"sleep","params":{"seconds":1}}""", 400, "invalid_json", null);
        yield return () => ("""{"tool":42,"params":{}}""", 400, "invalid_body", "$.tool");
        yield return () => ("""{"tool":"nope","params":{}}""", 400, "unknown_tool", "$.tool");
        yield return () => ("""{"tool":"sleep","version":"9","params":{"seconds":1}}""", 400, "unknown_tool_version", "$.version");
        yield return () => ("""{"tool":"sleep","params":{}}""", 400, "invalid_params", "$.params.seconds");
        yield return () => ("""{"tool":"sleep"}""", 400, "invalid_params", "$.params.seconds");
        yield return () => ("""{"tool":"sleep","params":{"seconds":-1}}""", 400, "invalid_params", "$.params.seconds");
        yield return () => ("""{"tool":"sleep","params":{"seconds":"5"}}""", 400, "invalid_params", "$.params.seconds");
        yield return () => ("""{"tool":"sleep","params":{"seconds":1e400}}""", 400, "invalid_params", "$.params.seconds");
        yield return () => ("""{"tool":"sleep","params":{"seconds":1,"speed":2}}""", 400, "invalid_params", "$.params.speed");
        yield return () => ("""{"tool":"sleep","params":{"seconds":1,"fail":"yes"}}""", 400, "invalid_params", "$.params.fail");
        yield return () => ("""{"tool":"sleep","params":{"seconds":1,"fail":true,"fatal":true}}""", 400, "invalid_params", "$.params.fatal");
        yield return () => ("""{"tool":"sleep","params":[1]}""", 400, "invalid_params", "$.params");
        yield return () => ("""{"tool":"sleep","params":{"seconds":1},"priority":5000}""", 400, "invalid_params", "$.priority");
        yield return () => ("""{"tool":"sleep","params":{"seconds":1},"max_attempts":0}""", 400, "invalid_params", "$.max_attempts");
        yield return () => ("""{"tool":"sleep","params":{"seconds":1},"timeout_s":-3}""", 400, "invalid_params", "$.timeout_s");
        yield return () => ("""{"tool":"sleep","params":{"seconds":1},"priority":1.5}""", 400, "invalid_body", "$.priority");
    }

    [Test]
    [MethodDataSource(nameof(BadSubmits))]
    public async Task bad_submissions_are_refused_naming_the_field_and_change_nothing(string body, int status, string code, string? path)
    {
        await using var api = await ApiServer.StartAsync();
        var before = await api.SnapshotAsync();

        using var response = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, body);

        await Assert.That((int)response.StatusCode).IsEqualTo(status);
        var problem = await ApiServer.ProblemAsync(response);
        await Assert.That(problem.ErrorCode).IsEqualTo(code);
        await Assert.That(problem.Status).IsEqualTo(status);
        await Assert.That(problem.Detail).IsNotNull();
        if (path is not null)
        {
            await Assert.That(problem.Errors!.Select(e => e.Path).ToArray()).Contains(path);
        }

        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task every_violation_is_listed_in_one_answer()
    {
        await using var api = await ApiServer.StartAsync();
        using var response = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob,
            """{"tool":"sleep","params":{"seconds":-5,"fail":1,"extra":true},"max_attempts":0}""");
        var problem = await ApiServer.ProblemAsync(response);

        await Assert.That(problem.Errors!.Select(e => e.Path).ToArray()).IsEquivalentTo(new[]
        {
            "$.max_attempts", "$.params.seconds", "$.params.fail", "$.params.extra",
        }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task an_oversized_body_is_413_and_changes_nothing()
    {
        await using var api = await ApiServer.StartAsync();
        var before = await api.SnapshotAsync();
        var huge = """{"tool":"sleep","params":{"seconds":1},"version":""" + "\"" + new string('x', 3 << 20) + "\"}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/jobs") { Content = new StringContent(huge, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", api.Bob);
        // As clients of large bodies do (curl too): the 413 comes before the body is sent. Without it the
        // server answers just the same, but may close while the client is still writing (a broken pipe).
        request.Headers.ExpectContinue = true;

        using var response = await api.Http.SendAsync(request);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.RequestEntityTooLarge);
        await Assert.That((await ApiServer.ProblemAsync(response)).ErrorCode).IsEqualTo("body_too_large");
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task an_oversized_chunked_body_without_length_is_413()
    {
        await using var api = await ApiServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/jobs");
        request.Headers.Authorization = new("Bearer", api.Bob);
        request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat("1", 1 << 20)) + "]")));
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await api.Http.SendAsync(request);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    [Arguments("text/plain")]
    [Arguments("application/x-www-form-urlencoded")]
    public async Task a_body_that_is_not_json_is_415(string contentType)
    {
        await using var api = await ApiServer.StartAsync();
        using var response = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, """{"tool":"sleep","params":{"seconds":1}}""", contentType);
        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.UnsupportedMediaType);
        await Assert.That((await ApiServer.ProblemAsync(response)).ErrorCode).IsEqualTo("unsupported_media_type");
    }

    [Test]
    [Arguments("v1/jobs?limit=0", "limit")]
    [Arguments("v1/jobs?limit=1001", "limit")]
    [Arguments("v1/jobs?limit=ten", "limit")]
    [Arguments("v1/jobs?limit=", "limit")]
    [Arguments("v1/jobs?status=bogus", "status")]
    [Arguments("v1/jobs?status=running,bogus", "status")]
    [Arguments("v1/jobs?cursor=abc", "cursor")]
    [Arguments("v1/jobs?cursor=-4", "cursor")]
    [Arguments("v1/jobs?node=x", "node")]
    [Arguments("v1/jobs?colour=red", "colour")]
    public async Task bad_list_queries_are_400_naming_the_parameter(string path, string parameter)
    {
        await using var api = await ApiServer.StartAsync();
        using var response = await api.GetAsync(path, api.Admin);
        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        var problem = await ApiServer.ProblemAsync(response);
        await Assert.That(problem.ErrorCode).IsEqualTo("invalid_query");
        await Assert.That(problem.Errors![0].Path).IsEqualTo(parameter);
    }

    [Test]
    [Arguments("v1/jobs")]
    [Arguments("v1/jobs?status=")]
    [Arguments("v1/jobs?status=active")]
    [Arguments("v1/jobs?status=running")]
    [Arguments("v1/jobs?status=all")]
    [Arguments("v1/jobs?status=terminal&extra=1")]
    public async Task bulk_delete_without_a_terminal_status_is_400_and_deletes_nothing(string path)
    {
        await using var api = await ApiServer.StartAsync();
        var job = await api.SubmitAsync(api.Bob);
        await JobWalker.IntoStateAsync(api.Ledger, job.Id, EdgeJobs.Protocol.Jobs.JobState.Completed);
        var before = await api.SnapshotAsync();

        using var response = await api.SendAsync(HttpMethod.Delete, path, api.Admin);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    [Arguments("""{}""", "$.older_than_s")]
    [Arguments("""{"older_than_s":-1}""", "$.older_than_s")]
    [Arguments("""{"older_than_s":"1d"}""", "$.older_than_s")]
    [Arguments("""{"older_than_s":0,"statuses":["running"]}""", "$.statuses[0]")]
    [Arguments("""{"older_than_s":0,"statuses":[]}""", "$.statuses")]
    [Arguments("""{"older_than_s":0,"everything":true}""", "$.everything")]
    public async Task bad_cleanup_bodies_are_400_and_delete_nothing(string body, string path)
    {
        await using var api = await ApiServer.StartAsync();
        var job = await api.SubmitAsync(api.Bob);
        await JobWalker.IntoStateAsync(api.Ledger, job.Id, EdgeJobs.Protocol.Jobs.JobState.Completed);
        var before = await api.SnapshotAsync();

        using var response = await api.SendAsync(HttpMethod.Post, "v1/jobs/cleanup", api.Admin, body);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(response)).Errors!.Select(e => e.Path).ToArray()).Contains(path);
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    [Arguments("v1/jobs/1/log?since=-1", "since")]
    [Arguments("v1/jobs/1/log?since=x", "since")]
    [Arguments("v1/jobs/1/log?limit=0", "limit")]
    public async Task bad_log_cursors_are_400(string path, string parameter)
    {
        await using var api = await ApiServer.StartAsync();
        await api.SubmitAsync(api.Bob);
        using var response = await api.GetAsync(path, api.Bob);
        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(response)).Errors![0].Path).IsEqualTo(parameter);
    }

    [Test]
    public async Task unknown_routes_and_methods_are_problems_too()
    {
        await using var api = await ApiServer.StartAsync();
        using var missing = await api.GetAsync("v1/nothing-here", api.Admin);
        using var method = await api.SendAsync(HttpMethod.Put, "v1/jobs", api.Admin, "{}");

        await Assert.That(missing.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That((await ApiServer.ProblemAsync(missing)).ErrorCode).IsEqualTo("route_not_found");
        await Assert.That(method.StatusCode).IsEqualTo(HttpStatusCode.MethodNotAllowed);
        await Assert.That((await ApiServer.ProblemAsync(method)).ErrorCode).IsEqualTo("method_not_allowed");
    }
}
