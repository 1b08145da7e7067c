using System.Net;
using System.Text.Json;
using EdgeJobs.Catalog.Exec;
using EdgeJobs.Coordinator.Facades.OgcApi;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Facades;

/// <summary>
/// OGC API – Processes 1.0 at <c>/ogcapi</c> (README "OGC API – Processes") without an agent: the catalog as processes,
/// asynchronous executes, the job list, status, dismissal, every refusal a problem that changes nothing, and every answer
/// valid against the official 1.0 schemas (<c>tests/data/ogcapi-processes-1.0</c>). Runs on agents are in
/// <c>EdgeJobs.Agent.Tests/Facades/OgcApiJobTests</c>.
/// </summary>
public class OgcApiTests
{
    private const string RespondAsync = "respond-async";

    private static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> CallAsync(ApiServer api, HttpMethod method, string path, string? token,
        string? json = null, string? prefer = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        if (prefer is not null)
        {
            request.Headers.Add("Prefer", prefer);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        var response = await api.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    /// <summary>An exec tool as an agent advertising its manifest would make it known.</summary>
    private static void AddExecTool(ApiServer api) => api.Server.Options.Catalog.AddExecTool(new ExecToolDescriptor(ExecManifest.Parse(
        """{"id":"shout","version":"2","title":"Shout","params_schema":{"type":"object","properties":{"text":{"type":"string","minLength":1},"times":{"type":"integer","minimum":1,"default":1}},"required":["text"],"additionalProperties":false},"argv":["printf","%s\\n","{text}"]}""",
        "shout.json", Catalog.Tools.ToolCatalog.BuiltIn.ReservedIds)));

    [Test]
    public async Task landing_conformance_processes_and_every_description_are_valid_against_the_official_schemas()
    {
        await using var api = await ApiServer.StartAsync();
        AddExecTool(api);
        var check = new OgcSchemaCheck();
        foreach (var path in new[] { "ogcapi", "ogcapi/" })
        {
            var (status, body, _) = await CallAsync(api, HttpMethod.Get, path, api.Reader);
            await Assert.That(status).IsEqualTo(HttpStatusCode.OK);
            check.Add("landingPage", path, body);
            using var landing = JsonDocument.Parse(body);
            var rels = landing.RootElement.GetProperty("links").EnumerateArray().Select(l => l.GetProperty("rel").GetString()).ToList();
            await Assert.That(rels).Contains("service-desc");
            await Assert.That(rels).Contains("http://www.opengis.net/def/rel/ogc/1.0/conformance");
            var serviceDesc = landing.RootElement.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "service-desc");
            await Assert.That(serviceDesc.GetProperty("type").GetString()).IsEqualTo("application/vnd.oai.openapi+json;version=3.0");
        }

        // The oas30 class it declares: the definition the landing page links is OpenAPI 3.0.
        var (described, definition, _) = await CallAsync(api, HttpMethod.Get, "openapi/ogcapi.json", api.Reader);
        await Assert.That(described).IsEqualTo(HttpStatusCode.OK);
        using (var openApi = JsonDocument.Parse(definition))
        {
            await Assert.That(openApi.RootElement.GetProperty("openapi").GetString()).StartsWith("3.0.");
        }

        var (_, conformance, _) = await CallAsync(api, HttpMethod.Get, "ogcapi/conformance", api.Reader);
        check.Add("confClasses", "conformance", conformance);
        using (var classes = JsonDocument.Parse(conformance))
        {
            await Assert.That(classes.RootElement.GetProperty("conformsTo").EnumerateArray().Select(c => c.GetString()!.Split('/')[^1]).ToArray())
                .IsEquivalentTo(["core", "ogc-process-description", "json", "oas30", "job-list", "dismiss"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }

        var (listed, processes, _) = await CallAsync(api, HttpMethod.Get, "ogcapi/processes", api.WriteOnly);
        await Assert.That(listed).IsEqualTo(HttpStatusCode.OK);
        check.Add("processList", "processes", processes);
        using var list = JsonDocument.Parse(processes);
        var ids = list.RootElement.GetProperty("processes").EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToList();
        // Every tool of the catalog, exec tools included, but the dataset tools (they need a dataset beside their params).
        await Assert.That(ids).IsEquivalentTo(api.Server.Options.Catalog.Tools.Where(t => !t.RequiresDataset).Select(t => t.Id), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(ids).Contains("echo").And.Contains("raster-export").And.Contains("shout").And.DoesNotContain("rescan-index");
        foreach (var id in ids)
        {
            var (status, description, _) = await CallAsync(api, HttpMethod.Get, $"ogcapi/processes/{id}", api.Reader);
            await Assert.That(status).IsEqualTo(HttpStatusCode.OK);
            check.Add("process", id, description);
        }

        await check.AssertAllValidAsync();
    }

    [Test]
    public async Task a_process_s_inputs_are_its_tool_s_params_described_by_the_same_schema()
    {
        await using var api = await ApiServer.StartAsync();
        var (_, body, _) = await CallAsync(api, HttpMethod.Get, "ogcapi/processes/echo", api.Reader);
        using var echo = JsonDocument.Parse(body);
        var root = echo.RootElement;
        await Assert.That(root.GetProperty("jobControlOptions").EnumerateArray().Select(o => o.GetString()!).ToArray())
            .IsEquivalentTo(["sync-execute", "async-execute", "dismiss"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(root.GetProperty("outputTransmission").EnumerateArray().Select(o => o.GetString()!).ToArray()).IsEquivalentTo(["value"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        var inputs = root.GetProperty("inputs");
        await Assert.That(inputs.EnumerateObject().Select(i => i.Name).ToArray()).IsEquivalentTo(["string_input", "pause"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(inputs.GetProperty("string_input").GetProperty("minOccurs").GetInt32()).IsEqualTo(1);
        await Assert.That(inputs.GetProperty("string_input").GetProperty("schema").GetProperty("type").GetString()).IsEqualTo("string");
        await Assert.That(inputs.GetProperty("pause").GetProperty("minOccurs").GetInt32()).IsEqualTo(0);
        await Assert.That(inputs.GetProperty("pause").GetProperty("schema").GetProperty("maximum").GetDouble()).IsEqualTo(3600);
        await Assert.That(root.GetProperty("outputs").GetProperty(OgcProcesses.EchoOutput).GetProperty("schema").GetProperty("type").GetString()).IsEqualTo("string");

        // raster-export's nullable params are OpenAPI 3.0's nullable, its enums kept: the catalog's schema, in the description's dialect.
        var (_, export, _) = await CallAsync(api, HttpMethod.Get, "ogcapi/processes/raster-export", api.Reader);
        using var described = JsonDocument.Parse(export);
        var formula = described.RootElement.GetProperty("inputs").GetProperty("formula").GetProperty("schema");
        await Assert.That(formula.GetProperty("type").GetString()).IsEqualTo("string");
        await Assert.That(formula.GetProperty("nullable").GetBoolean()).IsTrue();
        var compression = described.RootElement.GetProperty("inputs").GetProperty("compression").GetProperty("schema");
        await Assert.That(compression.GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToArray()).Contains("zstd");
        await Assert.That(described.RootElement.GetProperty("inputs").GetProperty("path").GetProperty("minOccurs").GetInt32()).IsEqualTo(1);
        await Assert.That(described.RootElement.GetProperty("outputTransmission")[0].GetString()).IsEqualTo("reference");
    }

    [Test]
    public async Task an_asynchronous_execute_is_a_job_every_front_door_sees_and_lists()
    {
        await using var api = await ApiServer.StartAsync();
        var check = new OgcSchemaCheck();
        var (status, body, response) = await CallAsync(api, HttpMethod.Post, "ogcapi/processes/echo/execution", api.Bob,
            """{"inputs":{"string_input":"Hello, OGC API","pause":{"value":0.5,"mediaType":"application/json"}}}""", RespondAsync);
        await Assert.That(status).IsEqualTo(HttpStatusCode.Created);
        check.Add("statusInfo", "execute", body);
        await Assert.That(response.Headers.GetValues("Preference-Applied").Single()).IsEqualTo(RespondAsync);
        using var created = JsonDocument.Parse(body);
        var jobId = created.RootElement.GetProperty("jobID").GetString()!;
        await Assert.That(created.RootElement.GetProperty("status").GetString()).IsEqualTo("accepted");
        await Assert.That(created.RootElement.GetProperty("processID").GetString()).IsEqualTo("echo");
        await Assert.That(response.Headers.Location!.AbsoluteUri).IsEqualTo(new Uri(api.Http.BaseAddress!, $"ogcapi/jobs/{jobId}").AbsoluteUri);

        // The same job through v1: the inputs are its params, as canonical as any submit's.
        var job = await api.Ledger.GetJobAsync(long.Parse(jobId));
        await Assert.That(job!.Tool).IsEqualTo("echo");
        await Assert.That(job.Params).IsEqualTo("""{"string_input":"Hello, OGC API","pause":0.5}""");
        await Assert.That(job.Owner).IsEqualTo("bob");

        var (read, info, _) = await CallAsync(api, HttpMethod.Get, $"ogcapi/jobs/{jobId}", api.Bob);
        await Assert.That(read).IsEqualTo(HttpStatusCode.OK);
        check.Add("statusInfo", "status", info);
        var (notReady, problem, _) = await CallAsync(api, HttpMethod.Get, $"ogcapi/jobs/{jobId}/results", api.Bob);
        await Assert.That(notReady).IsEqualTo(HttpStatusCode.NotFound);
        check.Add("exception", "results not ready", problem);
        await Assert.That(problem).Contains("http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/result-not-ready");

        // A long run (sleep's estimate is its seconds) is answered asynchronously without being asked to.
        var (longRun, sleepBody, _) = await CallAsync(api, HttpMethod.Post, "ogcapi/processes/sleep/execution", api.Bob, """{"inputs":{"seconds":600}}""");
        await Assert.That(longRun).IsEqualTo(HttpStatusCode.Created);
        check.Add("statusInfo", "long run", sleepBody);
        var v1Job = await api.SubmitAsync(api.Bob, 300);

        var (listedAll, all, _) = await CallAsync(api, HttpMethod.Get, "ogcapi/jobs", api.Bob);
        await Assert.That(listedAll).IsEqualTo(HttpStatusCode.OK);
        check.Add("jobList", "jobs", all);
        using (var jobs = JsonDocument.Parse(all))
        {
            await Assert.That(jobs.RootElement.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("jobID").GetString()!).ToArray())
                .IsEquivalentTo([v1Job.Id.ToString(), JsonDocument.Parse(sleepBody).RootElement.GetProperty("jobID").GetString()!, jobId], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }

        var (_, echoes, _) = await CallAsync(api, HttpMethod.Get, "ogcapi/jobs?processID=echo&status=accepted,running&type=process", api.Bob);
        check.Add("jobList", "echo jobs", echoes);
        using (var filtered = JsonDocument.Parse(echoes))
        {
            await Assert.That(filtered.RootElement.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("jobID").GetString()!).ToArray()).IsEquivalentTo([jobId], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }

        // Several processIDs, as a comma list and repeated: a job of any of them.
        foreach (var both in new[] { "processID=echo,sleep", "processID=echo&processID=sleep" })
        {
            var (_, either, _) = await CallAsync(api, HttpMethod.Get, $"ogcapi/jobs?{both}", api.Bob);
            check.Add("jobList", both, either);
            using var listed = JsonDocument.Parse(either);
            await Assert.That(listed.RootElement.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("processID").GetString()!).Distinct().Order().ToArray())
                .IsEquivalentTo(["echo", "sleep"], TUnit.Assertions.Enums.CollectionOrdering.Matching).Because(both);
        }

        var (_, firstPage, _) = await CallAsync(api, HttpMethod.Get, "ogcapi/jobs?limit=2&processID=sleep", api.Bob);
        check.Add("jobList", "first page", firstPage);
        using var page = JsonDocument.Parse(firstPage);
        var next = page.RootElement.GetProperty("links").EnumerateArray().SingleOrDefault(l => l.GetProperty("rel").GetString() == "next");
        await Assert.That(page.RootElement.GetProperty("jobs").GetArrayLength()).IsEqualTo(2);
        await Assert.That(next.ValueKind).IsEqualTo(JsonValueKind.Undefined); // two sleep jobs: no next page
        var (_, onePage, _) = await CallAsync(api, HttpMethod.Get, "ogcapi/jobs?limit=1&processID=sleep", api.Bob);
        using var one = JsonDocument.Parse(onePage);
        var nextHref = one.RootElement.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "next").GetProperty("href").GetString()!;
        var (_, secondPage, _) = await CallAsync(api, HttpMethod.Get, new Uri(nextHref).PathAndQuery.TrimStart('/'), api.Bob);
        check.Add("jobList", "second page", secondPage);
        using var second = JsonDocument.Parse(secondPage);
        await Assert.That(second.RootElement.GetProperty("jobs")[0].GetProperty("jobID").GetString())
            .IsEqualTo(JsonDocument.Parse(sleepBody).RootElement.GetProperty("jobID").GetString());

        // Carol sees none of Bob's jobs in her list.
        var (_, carols, _) = await CallAsync(api, HttpMethod.Get, "ogcapi/jobs", api.Carol);
        await Assert.That(JsonDocument.Parse(carols).RootElement.GetProperty("jobs").GetArrayLength()).IsEqualTo(0);
        await check.AssertAllValidAsync();
    }

    [Test]
    public async Task dismissing_an_active_job_stops_it_and_a_dismissed_job_is_gone()
    {
        await using var api = await ApiServer.StartAsync();
        var check = new OgcSchemaCheck();
        var (_, body, _) = await CallAsync(api, HttpMethod.Post, "ogcapi/processes/sleep/execution", api.Bob, """{"inputs":{"seconds":600}}""", RespondAsync);
        var jobId = JsonDocument.Parse(body).RootElement.GetProperty("jobID").GetString()!;

        var (dismissed, info, _) = await CallAsync(api, HttpMethod.Delete, $"ogcapi/jobs/{jobId}", api.Bob);
        await Assert.That(dismissed).IsEqualTo(HttpStatusCode.OK);
        check.Add("statusInfo", "dismissed", info);
        await Assert.That(JsonDocument.Parse(info).RootElement.GetProperty("status").GetString()).IsEqualTo("dismissed");
        // No agent held it: it ended stopped at once, as POST /v1/jobs/{id}/stop would have ended it.
        await Assert.That((await api.Ledger.GetJobAsync(long.Parse(jobId)))!.JobState).IsEqualTo(JobState.Stopped);

        var (read, after, _) = await CallAsync(api, HttpMethod.Get, $"ogcapi/jobs/{jobId}", api.Bob);
        await Assert.That(read).IsEqualTo(HttpStatusCode.OK);
        check.Add("statusInfo", "after", after);
        await Assert.That(JsonDocument.Parse(after).RootElement.GetProperty("status").GetString()).IsEqualTo("dismissed");
        var (results, gone, _) = await CallAsync(api, HttpMethod.Get, $"ogcapi/jobs/{jobId}/results", api.Bob);
        await Assert.That(results).IsEqualTo(HttpStatusCode.Gone);
        check.Add("exception", "results of a dismissed job", gone);
        var (again, goneAgain, _) = await CallAsync(api, HttpMethod.Delete, $"ogcapi/jobs/{jobId}", api.Bob);
        await Assert.That(again).IsEqualTo(HttpStatusCode.Gone);
        check.Add("exception", "dismissed twice", goneAgain);
        await check.AssertAllValidAsync();
    }

    [Test]
    public async Task bad_input_is_a_problem_naming_the_field_and_changes_nothing()
    {
        await using var api = await ApiServer.StartAsync();
        var existing = await api.SubmitAsync(api.Bob, 300);
        var before = await api.SnapshotAsync();
        var check = new OgcSchemaCheck();
        (HttpMethod Method, string Path, string? Json, HttpStatusCode Status, string Names)[] refusals =
        [
            (HttpMethod.Get, "ogcapi/processes/nope", null, HttpStatusCode.NotFound, "no-such-process"),
            (HttpMethod.Post, "ogcapi/processes/nope/execution", """{"inputs":{}}""", HttpStatusCode.NotFound, "no-such-process"),
            (HttpMethod.Get, "ogcapi/processes/rescan-index", null, HttpStatusCode.NotFound, "no-such-process"),
            (HttpMethod.Post, "ogcapi/processes/echo/execution", """{"inputs":{}}""", HttpStatusCode.BadRequest, "$.inputs.string_input"),
            (HttpMethod.Post, "ogcapi/processes/echo/execution", """{"inputs":{"string_input":7}}""", HttpStatusCode.BadRequest, "$.inputs.string_input"),
            (HttpMethod.Post, "ogcapi/processes/echo/execution", """{"inputs":{"string_input":"x","pause":-1}}""", HttpStatusCode.BadRequest, "$.inputs.pause"),
            (HttpMethod.Post, "ogcapi/processes/echo/execution", """{"inputs":{"string_input":"x","loud":true}}""", HttpStatusCode.BadRequest, "$.inputs.loud"),
            (HttpMethod.Post, "ogcapi/processes/echo/execution", """{"inputs":{"string_input":{"href":"http://example.org/x"}}}""", HttpStatusCode.BadRequest, "$.inputs.string_input"),
            (HttpMethod.Post, "ogcapi/processes/echo/execution", """{"inputs":{"string_input":"x"},"mode":"async"}""", HttpStatusCode.BadRequest, "mode"),
            (HttpMethod.Post, "ogcapi/processes/echo/execution", """{"inputs":{"string_input":"x"},"response":"stream"}""", HttpStatusCode.BadRequest, "$.response"),
            (HttpMethod.Post, "ogcapi/processes/echo/execution", """{"inputs":{"string_input":"x"},"subscriber":{"successUri":"http://example.org"}}""", HttpStatusCode.BadRequest, "$.subscriber"),
            (HttpMethod.Post, "ogcapi/processes/echo/execution", """{"inputs":{"string_input":"x"},"outputs":{"result":{}}}""", HttpStatusCode.BadRequest, "$.outputs.result"),
            (HttpMethod.Post, "ogcapi/processes/echo/execution", """{"inputs":{"string_input":"x"},"outputs":{"string_output":{"transmissionMode":"reference"}}}""", HttpStatusCode.BadRequest, "$.outputs.string_output.transmissionMode"),
            (HttpMethod.Post, "ogcapi/processes/raster-export/execution", """{"inputs":{"path":"../etc/passwd"}}""", HttpStatusCode.BadRequest, "$.inputs.path"),
            (HttpMethod.Post, "ogcapi/processes/echo/execution", """{"inputs":""", HttpStatusCode.BadRequest, "invalid_json"),
            (HttpMethod.Get, "ogcapi/jobs?status=done", null, HttpStatusCode.BadRequest, "status"),
            (HttpMethod.Get, "ogcapi/jobs?type=workflow", null, HttpStatusCode.BadRequest, "type"),
            (HttpMethod.Get, "ogcapi/jobs?" + string.Join('&', Enumerable.Range(0, 101).Select(i => $"processID=p{i}")), null, HttpStatusCode.BadRequest, "processID"),
            (HttpMethod.Get, "ogcapi/jobs?limit=0", null, HttpStatusCode.BadRequest, "limit"),
            (HttpMethod.Get, "ogcapi/jobs?sort=asc", null, HttpStatusCode.BadRequest, "sort"),
            (HttpMethod.Get, "ogcapi/processes?f=html", null, HttpStatusCode.BadRequest, "f"),
            (HttpMethod.Get, "ogcapi/jobs/abc", null, HttpStatusCode.NotFound, "abc"),
            (HttpMethod.Get, "ogcapi/jobs/abc", null, HttpStatusCode.NotFound, "no-such-job"),
            (HttpMethod.Get, "ogcapi/jobs/999999", null, HttpStatusCode.NotFound, "no-such-job"),
            (HttpMethod.Delete, "ogcapi/jobs/999999", null, HttpStatusCode.NotFound, "no-such-job"),
            (HttpMethod.Get, "ogcapi/jobs/999999/results", null, HttpStatusCode.NotFound, "no-such-job"),
        ];
        foreach (var (method, path, json, expected, names) in refusals)
        {
            var (status, body, response) = await CallAsync(api, method, path, api.Bob, json);
            await Assert.That(status).IsEqualTo(expected).Because($"{method} {path} {json}");
            await Assert.That(response.Content.Headers.ContentType!.MediaType).IsEqualTo("application/problem+json");
            await Assert.That(body).Contains(names).Because($"{method} {path} {json}: {body}");
            check.Add("exception", $"{method} {path} {json}", body);
        }

        using var text = new HttpRequestMessage(HttpMethod.Post, "ogcapi/processes/echo/execution") { Content = new StringContent("string_input=x") };
        text.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", api.Bob);
        using var unsupported = await api.Http.SendAsync(text);
        await Assert.That(unsupported.StatusCode).IsEqualTo(HttpStatusCode.UnsupportedMediaType);
        await Assert.That((await ApiServer.ProblemAsync(unsupported)).ErrorCode).IsEqualTo("unsupported_media_type");
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
        await Assert.That((await api.Ledger.GetJobAsync(existing.Id))!.JobState).IsEqualTo(JobState.Scheduled);
        await check.AssertAllValidAsync();
    }

    [Test]
    public async Task every_route_needs_its_scope_and_another_org_s_job_is_absent()
    {
        await using var api = await ApiServer.StartAsync();
        var job = (await api.SubmitAsync(api.Bob, 300)).Id;
        var elsewhere = await api.MintInOrgAsync("eve", "other-org", Scopes.JobsRead, Scopes.JobsWrite, Scopes.JobsAdmin);
        var before = await api.SnapshotAsync();
        (HttpMethod Method, string Path, string Scope)[] routes =
        [
            (HttpMethod.Get, "ogcapi", "any"),
            (HttpMethod.Get, "ogcapi/conformance", "any"),
            (HttpMethod.Get, "ogcapi/processes", "any"),
            (HttpMethod.Get, "ogcapi/processes/echo", "any"),
            (HttpMethod.Post, "ogcapi/processes/echo/execution", "jobs:write"),
            (HttpMethod.Get, "ogcapi/jobs", "jobs:read"),
            (HttpMethod.Get, $"ogcapi/jobs/{job}", "jobs:read"),
            (HttpMethod.Get, $"ogcapi/jobs/{job}/results", "jobs:read"),
            (HttpMethod.Delete, $"ogcapi/jobs/{job}", "jobs:write"),
        ];
        var agentOnly = api.Agent;
        foreach (var (method, path, scope) in routes)
        {
            var json = method == HttpMethod.Post ? """{"inputs":{"string_input":"x"}}""" : null;
            await Assert.That((await CallAsync(api, method, path, null, json)).Status).IsEqualTo(HttpStatusCode.Unauthorized).Because(path);
            await Assert.That((await CallAsync(api, method, path, ApiServer.UnknownToken, json)).Status).IsEqualTo(HttpStatusCode.Unauthorized).Because(path);
            await Assert.That((await CallAsync(api, method, path, agentOnly, json)).Status).IsEqualTo(HttpStatusCode.Forbidden).Because(path);
            if (scope == "jobs:write")
            {
                await Assert.That((await CallAsync(api, method, path, api.Reader, json)).Status).IsEqualTo(HttpStatusCode.Forbidden).Because(path);
            }
            else if (scope == "jobs:read")
            {
                await Assert.That((await CallAsync(api, method, path, api.WriteOnly, json)).Status).IsEqualTo(HttpStatusCode.Forbidden).Because(path);
            }
        }

        foreach (var (method, path) in new[] { (HttpMethod.Get, $"ogcapi/jobs/{job}"), (HttpMethod.Get, $"ogcapi/jobs/{job}/results"), (HttpMethod.Delete, $"ogcapi/jobs/{job}") })
        {
            var (status, body, _) = await CallAsync(api, method, path, elsewhere);
            await Assert.That(status).IsEqualTo(HttpStatusCode.NotFound).Because(path);
            await Assert.That(body).Contains("no-such-job");
        }

        // Another owner of the same org: not theirs to read or dismiss, as on /v1/jobs/{id}.
        await Assert.That((await CallAsync(api, HttpMethod.Delete, $"ogcapi/jobs/{job}", api.Carol)).Status).IsEqualTo(HttpStatusCode.Forbidden);
        await Assert.That((await CallAsync(api, HttpMethod.Get, $"ogcapi/jobs/{job}", api.Carol)).Status).IsEqualTo(HttpStatusCode.Forbidden);
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task every_job_state_has_an_ogc_status_and_the_list_filter_reads_the_same_table()
    {
        foreach (var state in Enum.GetValues<JobState>())
        {
            var name = OgcStates.Of(state);
            await Assert.That(OgcStates.Names).Contains(name);
            await Assert.That(OgcStates.States(name)!).Contains(state);
        }

        await Assert.That(OgcStates.Of(JobState.Scheduled)).IsEqualTo("accepted");
        await Assert.That(OgcStates.Of(JobState.Completed)).IsEqualTo("successful");
        await Assert.That(OgcStates.Of(JobState.Stopped)).IsEqualTo("dismissed");
        await Assert.That(OgcStates.States("nope")).IsNull();
    }
}
