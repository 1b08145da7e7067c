using System.Net;
using System.Text.Json.Serialization.Metadata;
using EdgeJobs.Catalog.Exec;
using EdgeJobs.Coordinator.Facades.Met;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Facades;

/// <summary>
/// Seed 000's job routes at <c>/met/jobs</c> (README "MET jobs"), route by route as its document lists them: generic job
/// control, the processing submits (built-in and exec tools), the HySpex parent batches and campaign aggregate; every
/// refusal a problem that changes nothing; MET's state names for every job state.
/// </summary>
public class MetJobTests
{
    private static Task<T> Expect<T>(HttpResponseMessage response, HttpStatusCode expected, JsonTypeInfo<T> type) =>
        Campaigns.CampaignCalls.Expect(response, expected, type);

    private static async Task<MetJobDto> SubmitAsync(ApiServer api, string token, string route, string json, HttpStatusCode expected = HttpStatusCode.Accepted)
    {
        using var response = await api.SendAsync(HttpMethod.Post, "met/jobs/" + route, token, json);
        return await Expect(response, expected, MetJsonContext.Default.MetJobDto);
    }

    private static async Task<MetJobDto> GetAsync(ApiServer api, string token, long id)
    {
        using var response = await api.GetAsync($"met/jobs/{id}", token);
        return await Expect(response, HttpStatusCode.OK, MetJsonContext.Default.MetJobDto);
    }

    private static async Task<ProblemDto> RefusedAsync(ApiServer api, HttpMethod method, string path, string? token, string? json, HttpStatusCode expected)
    {
        using var response = await api.SendAsync(method, path, token, json);
        await Assert.That(response.StatusCode).IsEqualTo(expected);
        return await ApiServer.ProblemAsync(response);
    }

    /// <summary>A sleep job through v1 (MET reads every job, whichever door it came through).</summary>
    private static async Task<long> SleepAsync(ApiServer api, string token) => (await api.SubmitAsync(token)).Id;

    private static string Examples([System.Runtime.CompilerServices.CallerFilePath] string here = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(here)!); dir is not null; dir = dir.Parent)
        {
            var examples = Path.Combine(dir.FullName, "agent", "tools.d", "examples");
            if (Directory.Exists(examples))
            {
                return examples;
            }
        }

        throw new DirectoryNotFoundException("agent/tools.d/examples");
    }

    /// <summary>An example manifest of agent/tools.d/examples, known to the coordinator as an agent advertising it would make it.</summary>
    private static void Install(ApiServer api, string file)
    {
        var path = Path.Combine(Examples(), file);
        api.Server.Options.Catalog.AddExecTool(new ExecToolDescriptor(ExecManifest.Parse(File.ReadAllText(path), path, Catalog.Tools.ToolCatalog.BuiltIn.ReservedIds)));
    }

    /// <summary>An exec tool that takes any text, for campaign children.</summary>
    private static void AddEcho(ApiServer api) => api.Server.Options.Catalog.AddExecTool(new ExecToolDescriptor(ExecManifest.Parse(
        """{"id":"print-value","version":"1","title":"Echo","params_schema":{"type":"object","properties":{"value":{"type":"string","minLength":1}},"required":["value"],"additionalProperties":false},"argv":["printf","%s\\n","{value}"]}""",
        "echo.json", Catalog.Tools.ToolCatalog.BuiltIn.ReservedIds)));

    [Test]
    public async Task every_route_needs_a_token_with_its_scope_but_a_public_campaigns_aggregate()
    {
        await using var api = await ApiServer.StartAsync();
        var job = await SleepAsync(api, api.Bob);
        var before = await api.SnapshotAsync();
        (HttpMethod Method, string Path, string Scope)[] routes =
        [
            (HttpMethod.Get, "met/jobs", "jobs:read"),
            (HttpMethod.Get, $"met/jobs/{job}", "jobs:read"),
            (HttpMethod.Post, $"met/jobs/{job}/cancel", "jobs:write"),
            (HttpMethod.Delete, $"met/jobs/{job}", "jobs:write"),
            (HttpMethod.Post, "met/jobs/cleanup", "jobs:write"),
            (HttpMethod.Post, "met/jobs/nc-to-geotiff", "jobs:write"),
            (HttpMethod.Post, "met/jobs/merge-terrain", "jobs:write"),
            (HttpMethod.Post, "met/jobs/mago-terrain", "jobs:write"),
            (HttpMethod.Post, "met/jobs/repair-csw-metadata", "jobs:write"),
            (HttpMethod.Post, "met/jobs/hyspex-csw-parent", "jobs:write"),
            (HttpMethod.Post, "met/jobs/hyspex-missing-variants", "jobs:write"),
        ];
        foreach (var (method, path, scope) in routes)
        {
            var body = method == HttpMethod.Post ? "{}" : null;
            await Assert.That((await RefusedAsync(api, method, path, null, body, HttpStatusCode.Unauthorized)).ErrorCode).IsEqualTo("unauthorized");
            await Assert.That((await RefusedAsync(api, method, path, ApiServer.UnknownToken, body, HttpStatusCode.Unauthorized)).ErrorCode).IsEqualTo("unauthorized");
            var lacking = scope == "jobs:read" ? api.WriteOnly : api.Reader;
            var forbidden = await RefusedAsync(api, method, path, lacking, body, HttpStatusCode.Forbidden);
            await Assert.That(forbidden.Detail).Contains(scope);
        }

        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);

        api.WriteInput("scenes/a.tif", "x");
        foreach (var (id, isPublic) in new[] { ("open", "true"), ("closed", "false") })
        {
            using var created = await api.SendAsync(HttpMethod.Post, "v1/campaigns", api.Bob,
                $$$"""{"id":"{{{id}}}","source":{"type":"data_root","root":"scenes"},"template":{"tool":"info","params":{"path":"{record.path}"}},"public":{{{isPublic}}}}""");
            await Assert.That(created.StatusCode).IsEqualTo(HttpStatusCode.Created);
        }

        using (var open = await api.GetAsync("met/jobs/hyspex-csw-campaigns/open", null))
        {
            var aggregate = await Expect(open, HttpStatusCode.OK, MetJsonContext.Default.MetCampaignDto);
            await Assert.That(aggregate.CampaignId).IsEqualTo("open");
            await Assert.That(aggregate.Public).IsTrue();
            await Assert.That(aggregate.Children.Keys.ToArray()).IsEquivalentTo(MetStates.Names.ToArray());
        }

        // Without a token a private campaign and an id no campaign has answer alike: nothing tells which ids exist.
        var closedAnonymous = await RefusedAsync(api, HttpMethod.Get, "met/jobs/hyspex-csw-campaigns/closed", null, null, HttpStatusCode.Unauthorized);
        var unknownAnonymous = await RefusedAsync(api, HttpMethod.Get, "met/jobs/hyspex-csw-campaigns/nope", null, null, HttpStatusCode.Unauthorized);
        await Assert.That(closedAnonymous.Detail).Contains("no public campaign");
        await Assert.That(unknownAnonymous.Detail).IsEqualTo(closedAnonymous.Detail);
        using (var closed = await api.GetAsync("met/jobs/hyspex-csw-campaigns/closed", api.Reader))
        {
            await Assert.That((await Expect(closed, HttpStatusCode.OK, MetJsonContext.Default.MetCampaignDto)).Public).IsFalse();
        }

        var otherOrg = await api.MintInOrgAsync("zoe", "zeta", Scopes.JobsRead);
        await Assert.That((await RefusedAsync(api, HttpMethod.Get, "met/jobs/hyspex-csw-campaigns/closed", otherOrg, null, HttpStatusCode.NotFound)).ErrorCode).IsEqualTo("campaign_not_found");
        await Assert.That((await RefusedAsync(api, HttpMethod.Get, "met/jobs/hyspex-csw-campaigns/nope", api.Reader, null, HttpStatusCode.NotFound)).ErrorCode).IsEqualTo("campaign_not_found");
        await Assert.That((await RefusedAsync(api, HttpMethod.Get, "met/jobs/hyspex-csw-campaigns/Not%20An%20Id", api.Bob, null, HttpStatusCode.NotFound)).ErrorCode).IsEqualTo("campaign_not_found");
    }

    [Test]
    public async Task nc_to_geotiff_and_merge_terrain_are_queued_with_202_and_read_in_met_words_through_every_door()
    {
        await using var api = await ApiServer.StartAsync();
        api.WriteInput("met/air.nc", "x");
        api.WriteInput("dem/a.tif", "x");
        api.WriteInput("dem/b.tif", "x");

        using var response = await api.SendAsync(HttpMethod.Post, "met/jobs/nc-to-geotiff", api.Bob,
            """{"params":{"path":"met/air.nc","variable":"air_temperature","time_index":0},"priority":5}""");
        var nc = await Expect(response, HttpStatusCode.Accepted, MetJsonContext.Default.MetJobDto);
        await Assert.That(response.Headers.Location!.OriginalString).IsEqualTo($"/met/jobs/{nc.JobId}");
        await Assert.That(nc.JobType).IsEqualTo("nc-to-geotiff");
        await Assert.That(nc.Tool).IsEqualTo("nc-to-geotiff");
        await Assert.That(nc.Status).IsEqualTo("queued");
        await Assert.That(nc.Params.GetProperty("variable").GetString()).IsEqualTo("air_temperature");
        await Assert.That(nc.Owner).IsEqualTo("bob");
        await Assert.That(nc.StartedAt).IsNull();
        await Assert.That(nc.Deduplicated).IsNull();

        var read = await GetAsync(api, api.Bob, nc.JobId);
        await Assert.That(read.Status).IsEqualTo("queued");
        await Assert.That(read.CreatedAt).IsEqualTo(nc.CreatedAt);
        using (var v1 = await api.GetAsync($"v1/jobs/{nc.JobId}", api.Bob))
        {
            var job = await Expect(v1, HttpStatusCode.OK, RestJsonContext.Default.JobDto);
            await Assert.That(job.Tool).IsEqualTo("nc-to-geotiff");
            await Assert.That(job.Priority).IsEqualTo(5);
        }

        // The one submit's dedup: the same job again is the same job.
        var again = await SubmitAsync(api, api.Bob, "nc-to-geotiff", """{"params":{"path":"met/air.nc","variable":"air_temperature","time_index":0}}""", HttpStatusCode.OK);
        await Assert.That(again.JobId).IsEqualTo(nc.JobId);
        await Assert.That(again.Deduplicated == true).IsTrue();

        var terrain = await SubmitAsync(api, api.Bob, "merge-terrain", """{"params":{"paths":["dem/a.tif","dem/b.tif"],"hillshade":true}}""");
        await Assert.That(terrain.JobType).IsEqualTo("merge-terrain");
        await Assert.That(terrain.Status).IsEqualTo("queued");
        await Assert.That(terrain.Params.GetProperty("hillshade").GetBoolean()).IsTrue();

        // Completed: 100 percent, and the artifact to download.
        await JobWalker.IntoStateAsync(api.Ledger, terrain.JobId, JobState.Completed);
        var done = await GetAsync(api, api.Bob, terrain.JobId);
        await Assert.That(done.Status).IsEqualTo("completed");
        await Assert.That(done.Progress).IsEqualTo(100);
        await Assert.That(done.StartedAt).IsNotNull();
        await Assert.That(done.FinishedAt).IsNotNull();
        await Assert.That(done.Error).IsNull();
    }

    [Test]
    public async Task an_idempotency_key_replays_the_first_answer_as_on_v1()
    {
        await using var api = await ApiServer.StartAsync();
        api.WriteInput("met/air.nc", "x");
        const string body = """{"params":{"path":"met/air.nc","variable":"air_temperature"},"force":true}""";

        async Task<HttpResponseMessage> SendAsync(string json)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "met/jobs/nc-to-geotiff") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", api.Bob);
            request.Headers.Add("Idempotency-Key", "met-key-1");
            return await api.Http.SendAsync(request);
        }

        using var first = await SendAsync(body);
        using var replay = await SendAsync(body);
        using var reused = await SendAsync(body.Replace("air_temperature", "wind", StringComparison.Ordinal));

        await Assert.That(first.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        await Assert.That(replay.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        await Assert.That(replay.Headers.GetValues("Idempotent-Replayed").Single()).IsEqualTo("true");
        await Assert.That(await replay.Content.ReadAsStringAsync()).IsEqualTo(await first.Content.ReadAsStringAsync());
        await Assert.That(reused.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        using var list = await api.GetAsync("met/jobs?job_type=nc-to-geotiff", api.Bob);
        await Assert.That((await Expect(list, HttpStatusCode.OK, MetJsonContext.Default.MetJobListDto)).Jobs.Count).IsEqualTo(1);
    }

    [Test]
    public async Task a_submit_refused_names_the_field_and_changes_nothing()
    {
        await using var api = await ApiServer.StartAsync();
        api.WriteInput("met/air.nc", "x");
        var before = await api.SnapshotAsync();

        var noParams = await RefusedAsync(api, HttpMethod.Post, "met/jobs/nc-to-geotiff", api.Bob, "{}", HttpStatusCode.BadRequest);
        await Assert.That(noParams.ErrorCode).IsEqualTo("invalid_body");
        await Assert.That(noParams.Errors!.Single().Path).IsEqualTo("$.params");

        var badParams = await RefusedAsync(api, HttpMethod.Post, "met/jobs/nc-to-geotiff", api.Bob, """{"params":{"path":"met/air.nc"}}""", HttpStatusCode.BadRequest);
        await Assert.That(badParams.ErrorCode).IsEqualTo("invalid_params");
        await Assert.That(badParams.Errors!.Select(e => e.Path).ToArray()).Contains("$.params.variable");

        var missing = await RefusedAsync(api, HttpMethod.Post, "met/jobs/nc-to-geotiff", api.Bob, """{"params":{"path":"met/none.nc","variable":"t"}}""", HttpStatusCode.BadRequest);
        await Assert.That(missing.Errors!.Single().Path).IsEqualTo("$.params.path");

        var escape = await RefusedAsync(api, HttpMethod.Post, "met/jobs/merge-terrain", api.Bob, """{"params":{"paths":["../etc/passwd"]}}""", HttpStatusCode.BadRequest);
        await Assert.That(escape.Errors!.Single().Path).StartsWith("$.params.paths");

        var unknown = await RefusedAsync(api, HttpMethod.Post, "met/jobs/nc-to-geotiff", api.Bob, """{"params":{"path":"met/air.nc","variable":"t"},"colour":"red"}""", HttpStatusCode.BadRequest);
        await Assert.That(unknown.Detail).Contains("colour");

        var notJson = await RefusedAsync(api, HttpMethod.Post, "met/jobs/nc-to-geotiff", api.Bob, "{", HttpStatusCode.BadRequest);
        await Assert.That(notJson.ErrorCode).IsEqualTo("invalid_json");

        var options = await RefusedAsync(api, HttpMethod.Post, "met/jobs/nc-to-geotiff", api.Bob, """{"params":{"path":"met/air.nc","variable":"t"},"max_attempts":0}""", HttpStatusCode.BadRequest);
        await Assert.That(options.Errors!.Single().Path).IsEqualTo("$.max_attempts");

        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task every_job_state_has_its_met_name()
    {
        await using var api = await ApiServer.StartAsync();
        var expected = new Dictionary<JobState, string>
        {
            [JobState.Scheduled] = "queued",
            [JobState.Running] = "running",
            [JobState.StopRequested] = "cancelling",
            [JobState.Stopping] = "cancelling",
            [JobState.Completed] = "completed",
            [JobState.Failed] = "failed",
            [JobState.Stopped] = "cancelled",
            [JobState.Partial] = "partial",
            [JobState.Held] = "queued",
        };
        await Assert.That(expected.Keys.Order().ToArray()).IsEquivalentTo(Enum.GetValues<JobState>().Order().ToArray(), TUnit.Assertions.Enums.CollectionOrdering.Matching);

        foreach (var (state, name) in expected)
        {
            var row = await JobWalker.IntoStateAsync(api.Ledger, await SleepAsync(api, api.Admin), state);
            await Assert.That(row.JobState).IsEqualTo(state);
            var job = await GetAsync(api, api.Admin, row.Id);
            await Assert.That(job.Status).IsEqualTo(name);
            using var list = await api.GetAsync($"met/jobs?status={name}", api.Admin);
            var page = await Expect(list, HttpStatusCode.OK, MetJsonContext.Default.MetJobListDto);
            await Assert.That(page.Jobs.Select(j => j.JobId).ToArray()).Contains(row.Id);
            await Assert.That(page.Jobs.All(j => j.Status == name)).IsTrue();
        }

        var failed = await GetAsync(api, api.Admin, (await JobWalker.IntoStateAsync(api.Ledger, await SleepAsync(api, api.Admin), JobState.Failed)).Id);
        await Assert.That(failed.ErrorCode).IsEqualTo("boom");
        await Assert.That(failed.Error).IsEqualTo("fatal");
    }

    [Test]
    public async Task the_list_is_newest_first_paged_filtered_and_only_the_callers_own()
    {
        await using var api = await ApiServer.StartAsync();
        var bobs = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            bobs.Add(await SleepAsync(api, api.Bob));
        }

        var carols = await SleepAsync(api, api.Carol);
        await JobWalker.IntoStateAsync(api.Ledger, bobs[0], JobState.Completed);

        using (var first = await api.GetAsync("met/jobs?limit=2", api.Bob))
        {
            var page = await Expect(first, HttpStatusCode.OK, MetJsonContext.Default.MetJobListDto);
            await Assert.That(string.Join(",", page.Jobs.Select(j => j.JobId))).IsEqualTo($"{bobs[2]},{bobs[1]}");
            await Assert.That(page.NextCursor).IsEqualTo(bobs[1]);
            using var second = await api.GetAsync($"met/jobs?limit=2&cursor={page.NextCursor}", api.Bob);
            var rest = await Expect(second, HttpStatusCode.OK, MetJsonContext.Default.MetJobListDto);
            await Assert.That(rest.Jobs.Single().JobId).IsEqualTo(bobs[0]);
            await Assert.That(rest.Jobs.Single().Status).IsEqualTo("completed");
            await Assert.That(rest.NextCursor).IsNull();
        }

        using (var queued = await api.GetAsync("met/jobs?status=queued,running&job_type=sleep", api.Bob))
        {
            var page = await Expect(queued, HttpStatusCode.OK, MetJsonContext.Default.MetJobListDto);
            await Assert.That(string.Join(",", page.Jobs.Select(j => j.JobId))).IsEqualTo($"{bobs[2]},{bobs[1]}");
        }

        using (var admin = await api.GetAsync("met/jobs", api.Admin))
        {
            var page = await Expect(admin, HttpStatusCode.OK, MetJsonContext.Default.MetJobListDto);
            await Assert.That(page.Jobs.Select(j => j.JobId).ToArray()).Contains(carols);
        }

        await Assert.That((await RefusedAsync(api, HttpMethod.Get, "met/jobs?status=pending", api.Bob, null, HttpStatusCode.BadRequest)).Detail).Contains("queued");
        await Assert.That((await RefusedAsync(api, HttpMethod.Get, "met/jobs?owner=carol", api.Bob, null, HttpStatusCode.BadRequest)).ErrorCode).IsEqualTo("invalid_query");
        await Assert.That((await RefusedAsync(api, HttpMethod.Get, "met/jobs?limit=0", api.Bob, null, HttpStatusCode.BadRequest)).ErrorCode).IsEqualTo("invalid_query");
        await Assert.That((await RefusedAsync(api, HttpMethod.Get, $"met/jobs/{carols}", api.Bob, null, HttpStatusCode.Forbidden)).ErrorCode).IsEqualTo("forbidden");
        await Assert.That((await RefusedAsync(api, HttpMethod.Get, "met/jobs/999999", api.Bob, null, HttpStatusCode.NotFound)).ErrorCode).IsEqualTo("job_not_found");
        await Assert.That((await RefusedAsync(api, HttpMethod.Get, "met/jobs/abc", api.Bob, null, HttpStatusCode.BadRequest)).ErrorCode).IsEqualTo("invalid_id");
        var otherOrg = await api.MintInOrgAsync("zoe", "zeta", Scopes.JobsRead, Scopes.JobsWrite);
        await Assert.That((await RefusedAsync(api, HttpMethod.Get, $"met/jobs/{bobs[0]}", otherOrg, null, HttpStatusCode.NotFound)).ErrorCode).IsEqualTo("job_not_found");
    }

    [Test]
    public async Task cancel_ends_a_queued_job_at_once_and_leaves_a_running_one_cancelling_until_its_agent_stops()
    {
        await using var api = await ApiServer.StartAsync();
        var queued = await SleepAsync(api, api.Bob);
        var running = (await JobWalker.IntoStateAsync(api.Ledger, await SleepAsync(api, api.Bob), JobState.Running)).Id;
        var finished = (await JobWalker.IntoStateAsync(api.Ledger, await SleepAsync(api, api.Bob), JobState.Completed)).Id;

        var otherOrg = await api.MintInOrgAsync("zoe", "zeta", Scopes.JobsRead, Scopes.JobsWrite);
        var before = await api.SnapshotAsync();
        await Assert.That((await RefusedAsync(api, HttpMethod.Post, $"met/jobs/{queued}/cancel", api.Carol, null, HttpStatusCode.Forbidden)).Detail).Contains("another owner");
        await Assert.That((await RefusedAsync(api, HttpMethod.Post, $"met/jobs/{queued}/cancel", otherOrg, null, HttpStatusCode.NotFound)).ErrorCode).IsEqualTo("job_not_found");
        await Assert.That((await RefusedAsync(api, HttpMethod.Post, "met/jobs/999999/cancel", api.Bob, null, HttpStatusCode.NotFound)).ErrorCode).IsEqualTo("job_not_found");
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);

        using (var response = await api.SendAsync(HttpMethod.Post, $"met/jobs/{queued}/cancel", api.Bob))
        {
            var job = await Expect(response, HttpStatusCode.OK, MetJsonContext.Default.MetJobDto);
            await Assert.That(job.Status).IsEqualTo("cancelled");
            await Assert.That(job.FinishedAt).IsNotNull();
        }

        using (var response = await api.SendAsync(HttpMethod.Post, $"met/jobs/{running}/cancel", api.Bob))
        {
            await Assert.That((await Expect(response, HttpStatusCode.OK, MetJsonContext.Default.MetJobDto)).Status).IsEqualTo("cancelling");
        }

        // The agent acknowledges and ends the attempt: cancelled.
        var row = (await api.Ledger.GetJobAsync(running))!;
        await api.Ledger.AcknowledgeStopAsync(running, row.Fence);
        await api.Ledger.FinishAsync(running, row.Fence, new FinishReport(FinishOutcome.Stopped));
        await Assert.That((await GetAsync(api, api.Bob, running)).Status).IsEqualTo("cancelled");

        // An admin cancels anyone's; a finished job stays as it was.
        using (var response = await api.SendAsync(HttpMethod.Post, $"met/jobs/{finished}/cancel", api.Admin))
        {
            await Assert.That((await Expect(response, HttpStatusCode.OK, MetJsonContext.Default.MetJobDto)).Status).IsEqualTo("completed");
        }
    }

    [Test]
    public async Task delete_removes_a_finished_jobs_record_and_refuses_an_active_one()
    {
        await using var api = await ApiServer.StartAsync();
        var active = await SleepAsync(api, api.Bob);
        var done = (await JobWalker.IntoStateAsync(api.Ledger, await SleepAsync(api, api.Bob), JobState.Completed)).Id;
        var before = await api.SnapshotAsync();

        var refused = await RefusedAsync(api, HttpMethod.Delete, $"met/jobs/{active}", api.Bob, null, HttpStatusCode.Conflict);
        await Assert.That(refused.ErrorCode).IsEqualTo("job_active");
        await Assert.That(refused.State).IsEqualTo("queued");
        await Assert.That(refused.Detail).Contains("cancel");
        await Assert.That((await RefusedAsync(api, HttpMethod.Delete, $"met/jobs/{done}", api.Carol, null, HttpStatusCode.Forbidden)).ErrorCode).IsEqualTo("forbidden");
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);

        using (var response = await api.SendAsync(HttpMethod.Delete, $"met/jobs/{done}", api.Bob))
        {
            var deleted = await Expect(response, HttpStatusCode.OK, MetJsonContext.Default.MetDeletedDto);
            await Assert.That(deleted).IsEqualTo(new MetDeletedDto(done, true));
        }

        await Assert.That(await api.Ledger.GetJobAsync(done)).IsNull();
        await Assert.That((await RefusedAsync(api, HttpMethod.Delete, $"met/jobs/{done}", api.Bob, null, HttpStatusCode.NotFound)).ErrorCode).IsEqualTo("job_not_found");
        await Assert.That(await api.Ledger.GetJobAsync(active)).IsNotNull();
    }

    [Test]
    public async Task cleanup_by_age_removes_only_jobs_that_ended_long_enough_ago()
    {
        var clock = new ManualClock();
        await using var api = await ApiServer.StartAsync(time: clock);
        var old = (await JobWalker.IntoStateAsync(api.Ledger, await SleepAsync(api, api.Bob), JobState.Failed)).Id;
        clock.Advance(TimeSpan.FromHours(2));
        var recent = (await JobWalker.IntoStateAsync(api.Ledger, await SleepAsync(api, api.Bob), JobState.Completed)).Id;
        var active = await SleepAsync(api, api.Bob);

        using var response = await api.SendAsync(HttpMethod.Post, "met/jobs/cleanup", api.Bob, """{"older_than_s":3600}""");
        var cleaned = await Expect(response, HttpStatusCode.OK, MetJsonContext.Default.MetCleanupDto);

        await Assert.That(cleaned.Deleted).IsEqualTo(1);
        await Assert.That(cleaned.JobIds.ToArray()).IsEquivalentTo(new[] { old }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(await api.Ledger.GetJobAsync(old)).IsNull();
        await Assert.That(await api.Ledger.GetJobAsync(recent)).IsNotNull();
        await Assert.That(await api.Ledger.GetJobAsync(active)).IsNotNull();
    }

    [Test]
    public async Task cleanup_by_status_removes_only_those_statuses_of_the_callers_own_jobs_and_an_admin_cleans_the_orgs()
    {
        await using var api = await ApiServer.StartAsync();
        var bobFailed = (await JobWalker.IntoStateAsync(api.Ledger, await SleepAsync(api, api.Bob), JobState.Failed)).Id;
        var bobCancelled = (await JobWalker.IntoStateAsync(api.Ledger, await SleepAsync(api, api.Bob), JobState.Stopped)).Id;
        var bobCompleted = (await JobWalker.IntoStateAsync(api.Ledger, await SleepAsync(api, api.Bob), JobState.Completed)).Id;
        var carolFailed = (await JobWalker.IntoStateAsync(api.Ledger, await SleepAsync(api, api.Carol), JobState.Failed)).Id;
        var running = (await JobWalker.IntoStateAsync(api.Ledger, await SleepAsync(api, api.Bob), JobState.Running)).Id;
        var before = await api.SnapshotAsync();

        var neither = await RefusedAsync(api, HttpMethod.Post, "met/jobs/cleanup", api.Bob, "{}", HttpStatusCode.BadRequest);
        await Assert.That(neither.Errors!.Single().Path).IsEqualTo("$");
        var active = await RefusedAsync(api, HttpMethod.Post, "met/jobs/cleanup", api.Bob, """{"statuses":["failed","running"]}""", HttpStatusCode.BadRequest);
        await Assert.That(active.Errors!.Single().Path).IsEqualTo("$.statuses[1]");
        var v1Name = await RefusedAsync(api, HttpMethod.Post, "met/jobs/cleanup", api.Bob, """{"statuses":["stopped"]}""", HttpStatusCode.BadRequest);
        await Assert.That(v1Name.Errors!.Single().Reason).Contains("cancelled");
        var none = await RefusedAsync(api, HttpMethod.Post, "met/jobs/cleanup", api.Bob, """{"statuses":[]}""", HttpStatusCode.BadRequest);
        await Assert.That(none.Errors!.Single().Path).IsEqualTo("$.statuses");
        var negative = await RefusedAsync(api, HttpMethod.Post, "met/jobs/cleanup", api.Bob, """{"older_than_s":-1}""", HttpStatusCode.BadRequest);
        await Assert.That(negative.Errors!.Single().Path).IsEqualTo("$.older_than_s");
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);

        using (var response = await api.SendAsync(HttpMethod.Post, "met/jobs/cleanup", api.Bob, """{"statuses":["failed","cancelled"]}"""))
        {
            var cleaned = await Expect(response, HttpStatusCode.OK, MetJsonContext.Default.MetCleanupDto);
            await Assert.That(cleaned.JobIds.Order().ToArray()).IsEquivalentTo(new[] { bobFailed, bobCancelled }.Order().ToArray(), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }

        await Assert.That(await api.Ledger.GetJobAsync(carolFailed)).IsNotNull();
        await Assert.That(await api.Ledger.GetJobAsync(bobCompleted)).IsNotNull();

        using (var response = await api.SendAsync(HttpMethod.Post, "met/jobs/cleanup", api.Admin, """{"statuses":["failed","completed"],"older_than_s":0}"""))
        {
            var cleaned = await Expect(response, HttpStatusCode.OK, MetJsonContext.Default.MetCleanupDto);
            await Assert.That(cleaned.JobIds.Order().ToArray()).IsEquivalentTo(new[] { bobCompleted, carolFailed }.Order().ToArray(), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }

        await Assert.That((await api.Ledger.GetJobAsync(running))!.JobState).IsEqualTo(JobState.Running);
    }

    [Test]
    public async Task the_exec_routes_answer_tool_unavailable_until_their_manifest_is_known_then_queue_the_exec_tool()
    {
        await using var api = await ApiServer.StartAsync();
        api.WriteInput("dem/olinda.tif", "x");
        api.WriteInput("hyspex/flight1/metadata.xml", "<x/>");
        const string mago = """{"params":{"path":"dem/olinda.tif","max_depth":12}}""";
        const string repair = """{"params":{"path":"hyspex/flight1/metadata.xml","csw_url":"https://csw.example/csw","dry_run":true}}""";
        var before = await api.SnapshotAsync();

        foreach (var (route, tool, body) in new[] { ("mago-terrain", "mago3d-terrain", mago), ("repair-csw-metadata", "repair-csw-metadata", repair) })
        {
            var problem = await RefusedAsync(api, HttpMethod.Post, "met/jobs/" + route, api.Bob, body, HttpStatusCode.BadRequest);
            await Assert.That(problem.ErrorCode).IsEqualTo("tool_unavailable");
            await Assert.That(problem.Detail).Contains($"'{tool}'");
            await Assert.That(problem.Detail).Contains("agent/tools.d/examples/");
        }

        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);

        Install(api, "mago3d-terrainer.json");
        Install(api, "repair-csw-metadata.json");

        var terrain = await SubmitAsync(api, api.Bob, "mago-terrain", mago);
        await Assert.That(terrain.JobType).IsEqualTo("mago-terrain");
        await Assert.That(terrain.Tool).IsEqualTo("mago3d-terrain");
        await Assert.That(terrain.Status).IsEqualTo("queued");
        await Assert.That(terrain.Params.GetProperty("max_depth").GetInt32()).IsEqualTo(12);
        await Assert.That(terrain.Params.GetProperty("interpolation").GetString()).IsEqualTo("bilinear"); // the manifest's default

        var repaired = await SubmitAsync(api, api.Bob, "repair-csw-metadata", repair);
        await Assert.That(repaired.JobType).IsEqualTo("repair-csw-metadata");
        await Assert.That(repaired.Tool).IsEqualTo("repair-csw-metadata");
        await Assert.That(repaired.Params.GetProperty("dry_run").GetBoolean()).IsTrue();

        // The manifest's schema is the exec tool's: a CSW URL that is not one is refused, naming it.
        var bad = await RefusedAsync(api, HttpMethod.Post, "met/jobs/repair-csw-metadata", api.Bob,
            """{"params":{"path":"hyspex/flight1/metadata.xml","csw_url":"ftp://csw.example"}}""", HttpStatusCode.BadRequest);
        await Assert.That(bad.Errors!.Single().Path).IsEqualTo("$.params.csw_url");

        using var list = await api.GetAsync("met/jobs?job_type=mago-terrain", api.Bob);
        await Assert.That((await Expect(list, HttpStatusCode.OK, MetJsonContext.Default.MetJobListDto)).Jobs.Single().JobId).IsEqualTo(terrain.JobId);
    }

    /// <summary>The seed sends campaign_total_children with its batches: a campaign made without one takes the first given, then holds to it.</summary>
    [Test]
    public async Task a_hyspex_parent_batch_gives_a_campaign_without_a_total_the_one_it_sends_and_then_holds_to_it()
    {
        await using var csw = await CatalogServer.StartAsync();
        await using var api = await ApiServer.StartAsync(configure: o => o with { CatalogAllow = ["127.0.0.1"] });
        AddEcho(api);
        using (var created = await api.SendAsync(HttpMethod.Post, "v1/campaigns", api.Bob,
            """{"id":"no-total","source":{"type":"csw","url":"@csw@","sort_by":"dc:type:D"},"template":{"tool":"print-value","params":{"value":"{record.id}"}}}""".Replace("@csw@", csw.Csw, StringComparison.Ordinal)))
        {
            await Assert.That(created.StatusCode).IsEqualTo(HttpStatusCode.Created);
        }

        const string parent = "met/jobs/hyspex-csw-parent";
        await Assert.That((await RefusedAsync(api, HttpMethod.Post, parent, api.Bob, """{"campaign_id":"no-total","campaign_total_children":0}""", HttpStatusCode.BadRequest)).Errors!.Single().Path)
            .IsEqualTo("$.campaign_total_children");
        using (var response = await api.SendAsync(HttpMethod.Post, parent, api.Bob, """{"campaign_id":"no-total","max_records":4,"campaign_total_children":24}"""))
        {
            await Expect(response, HttpStatusCode.Accepted, MetJsonContext.Default.MetJobDto);
        }

        using (var aggregate = await api.GetAsync("met/jobs/hyspex-csw-campaigns/no-total", api.Bob))
        {
            await Assert.That((await Expect(aggregate, HttpStatusCode.OK, MetJsonContext.Default.MetCampaignDto)).CampaignTotalChildren).IsEqualTo(24);
        }

        var changed = await RefusedAsync(api, HttpMethod.Post, parent, api.Bob, """{"campaign_id":"no-total","campaign_total_children":12}""", HttpStatusCode.Conflict);
        await Assert.That(changed.ErrorCode).IsEqualTo("campaign_mismatch");
    }

    [Test]
    public async Task a_hyspex_parent_batch_reads_a_csw_page_continues_from_the_cursor_and_the_aggregate_counts_its_children()
    {
        await using var csw = await CatalogServer.StartAsync();
        await using var api = await ApiServer.StartAsync(configure: o => o with { CatalogAllow = ["127.0.0.1"] });
        AddEcho(api);
        using (var created = await api.SendAsync(HttpMethod.Post, "v1/campaigns", api.Bob,
            $$$"""{"id":"hyspex-2026","source":{"type":"csw","url":"{{{csw.Csw}}}","sort_by":"dc:type:D"},"template":{"tool":"print-value","params":{"value":"{record.position} {record.id}"}},"campaign_total_children":12}"""))
        {
            await Assert.That(created.StatusCode).IsEqualTo(HttpStatusCode.Created);
        }

        api.WriteInput("scenes/a.tif", "x");
        using (var walk = await api.SendAsync(HttpMethod.Post, "v1/campaigns", api.Bob,
            """{"id":"walk","source":{"type":"data_root","root":"scenes"},"template":{"tool":"info","params":{"path":"{record.path}"}}}"""))
        {
            await Assert.That(walk.StatusCode).IsEqualTo(HttpStatusCode.Created);
        }

        var before = await api.SnapshotAsync();
        const string parent = "met/jobs/hyspex-csw-parent";
        await Assert.That((await RefusedAsync(api, HttpMethod.Post, parent, api.Bob, "{}", HttpStatusCode.BadRequest)).Errors!.Single().Path).IsEqualTo("$.campaign_id");
        await Assert.That((await RefusedAsync(api, HttpMethod.Post, parent, api.Bob, """{"campaign_id":"nope"}""", HttpStatusCode.NotFound)).ErrorCode).IsEqualTo("campaign_not_found");
        await Assert.That((await RefusedAsync(api, HttpMethod.Post, parent, api.Carol, """{"campaign_id":"hyspex-2026"}""", HttpStatusCode.Forbidden)).ErrorCode).IsEqualTo("forbidden");
        await Assert.That((await RefusedAsync(api, HttpMethod.Post, parent, api.Bob, """{"campaign_id":"walk"}""", HttpStatusCode.Conflict)).ErrorCode).IsEqualTo("not_a_csw_campaign");
        var mismatch = await RefusedAsync(api, HttpMethod.Post, parent, api.Bob, """{"campaign_id":"hyspex-2026","campaign_total_children":13}""", HttpStatusCode.Conflict);
        await Assert.That(mismatch.ErrorCode).IsEqualTo("campaign_mismatch");
        await Assert.That(mismatch.Errors!.Single().Reason).Contains("12");
        await Assert.That((await RefusedAsync(api, HttpMethod.Post, parent, api.Bob, """{"campaign_id":"hyspex-2026","max_records":0}""", HttpStatusCode.BadRequest)).Errors!.Single().Path).IsEqualTo("$.max_records");
        await Assert.That((await RefusedAsync(api, HttpMethod.Post, parent, api.Bob, """{"campaign_id":"hyspex-2026","start_position":5}""", HttpStatusCode.Conflict)).ErrorCode).IsEqualTo("wrong_start_position");
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);

        foreach (var (start, next) in new (long, long?)[] { (1, 5), (5, 9) })
        {
            using var response = await api.SendAsync(HttpMethod.Post, parent, api.Bob,
                $$"""{"campaign_id":"hyspex-2026","start_position":{{start}},"max_records":4,"campaign_total_children":12}""");
            var accepted = await Expect(response, HttpStatusCode.Accepted, MetJsonContext.Default.MetJobDto);
            await Assert.That(response.Headers.Location!.OriginalString).IsEqualTo($"/met/jobs/{accepted.JobId}");
            await Assert.That(accepted.JobType).IsEqualTo("hyspex-csw-parent");
            await Assert.That(accepted.CampaignId).IsEqualTo("hyspex-2026");
            await Assert.That(accepted.Batch!.StartPosition).IsEqualTo(start);

            // One batch at a time: the next waits for this one.
            var active = await RefusedAsync(api, HttpMethod.Post, parent, api.Bob, """{"campaign_id":"hyspex-2026","max_records":4}""", HttpStatusCode.Conflict);
            await Assert.That(active.ErrorCode).IsEqualTo("batch_active");

            var batch = await Campaigns.CampaignCalls.ReadAsync(api, api.Bob, accepted.JobId);
            await Assert.That(batch.Batch!.Records).IsEqualTo(4);
            var read = await GetAsync(api, api.Bob, accepted.JobId);
            await Assert.That(read.Status).IsEqualTo("running");
            await Assert.That(read.Batch!.Records).IsEqualTo(4);
            await Assert.That(read.Batch.Matched).IsEqualTo(12);
            await Assert.That(read.Batch.NextStartPosition).IsEqualTo(next);

            using var listed = await api.GetAsync("met/jobs?job_type=print-value&status=queued", api.Bob);
            var children = (await Expect(listed, HttpStatusCode.OK, MetJsonContext.Default.MetJobListDto)).Jobs;
            await Assert.That(children.Count).IsEqualTo(4);
            await Assert.That(children.All(c => c.ParentJobId == accepted.JobId && c.CampaignId == "hyspex-2026")).IsTrue();
            await Assert.That(children.Select(c => c.Params.GetProperty("value").GetString()!.Split(' ')[0]).Order().ToArray())
                .IsEquivalentTo(Enumerable.Range((int)start, 4).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(), TUnit.Assertions.Enums.CollectionOrdering.Matching);
            if (start == 1)
            {
                foreach (var child in children)
                {
                    await JobWalker.IntoStateAsync(api.Ledger, child.JobId, JobState.Completed);
                }
            }
            else
            {
                await JobWalker.IntoStateAsync(api.Ledger, children[0].JobId, JobState.Running);
            }
        }

        // Private: no token, no aggregate; the owner's token reads it.
        await Assert.That((await RefusedAsync(api, HttpMethod.Get, "met/jobs/hyspex-csw-campaigns/hyspex-2026", null, null, HttpStatusCode.Unauthorized)).ErrorCode).IsEqualTo("unauthorized");
        using (var response = await api.GetAsync("met/jobs/hyspex-csw-campaigns/hyspex-2026", api.Bob))
        {
            var aggregate = await Expect(response, HttpStatusCode.OK, MetJsonContext.Default.MetCampaignDto);
            await Assert.That(aggregate.TotalChildren).IsEqualTo(8);
            await Assert.That(aggregate.CampaignTotalChildren).IsEqualTo(12);
            await Assert.That(aggregate.Children["completed"]).IsEqualTo(4);
            await Assert.That(aggregate.Children["queued"]).IsEqualTo(3);
            await Assert.That(aggregate.Children["running"]).IsEqualTo(1);
            await Assert.That(aggregate.Percent).IsEqualTo(33.33);
            await Assert.That(aggregate.Batches).IsEqualTo(2);
            await Assert.That(aggregate.ActiveBatchJobId).IsNotNull();
            await Assert.That(aggregate.LatestBatch!.StartPosition).IsEqualTo(5);
            await Assert.That(aggregate.LatestBatch.Status).IsEqualTo("running");
            await Assert.That(aggregate.NextStartPosition).IsEqualTo(9);
            await Assert.That(aggregate.Exhausted).IsFalse();
        }

        // Cancelling the parent batch takes its unfinished children with it; the completed ones stay completed.
        var second = (await api.Ledger.GetCampaignAsync("hyspex-2026"))!.ActiveBatch!.Value;
        using (var cancel = await api.SendAsync(HttpMethod.Post, $"met/jobs/{second}/cancel", api.Bob))
        {
            var status = (await Expect(cancel, HttpStatusCode.OK, MetJsonContext.Default.MetJobDto)).Status;
            await Assert.That(status is "cancelling" or "cancelled").IsTrue();
        }

        using (var response = await api.GetAsync("met/jobs/hyspex-csw-campaigns/hyspex-2026", api.Bob))
        {
            var aggregate = await Expect(response, HttpStatusCode.OK, MetJsonContext.Default.MetCampaignDto);
            await Assert.That(aggregate.Children["completed"]).IsEqualTo(4);
            await Assert.That(aggregate.Children["cancelled"]).IsEqualTo(3);
            await Assert.That(aggregate.Children["cancelling"]).IsEqualTo(1);
            await Assert.That(aggregate.Children["queued"]).IsEqualTo(0);
        }
    }

    [Test]
    public async Task missing_variants_queues_a_repair_job_for_each_missing_variant_and_lists_them_on_a_dry_run()
    {
        await using var api = await ApiServer.StartAsync();
        api.WriteInput("hyspex/one.tif", "x");
        api.WriteInput("hyspex/two.tif", "x");
        api.WriteInput("rgb/one.tif", "made already");
        using (var created = await api.SendAsync(HttpMethod.Post, "v1/campaigns", api.Bob, """
            {"id":"variants","source":{"type":"data_root","root":"hyspex"},"template":{"tool":"info","params":{"path":"{record.path}"}},
             "variants":[{"name":"rgb","output":"rgb/{record.stem}.tif","template":{"tool":"build","params":{"path":"{record.path}","output":"rgb/{record.stem}.tif"}}}]}
            """))
        {
            await Assert.That(created.StatusCode).IsEqualTo(HttpStatusCode.Created);
        }

        var before = await api.SnapshotAsync();
        using (var dry = await api.SendAsync(HttpMethod.Post, "met/jobs/hyspex-missing-variants", api.Bob, """{"campaign_id":"variants","dry_run":true}"""))
        {
            var listed = await Expect(dry, HttpStatusCode.OK, MetJsonContext.Default.MetMissingVariantsDto);
            await Assert.That(listed.Missing.Select(m => m.Output).ToArray()).IsEquivalentTo(new[] { "rgb/two.tif" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
            await Assert.That(listed.Queued).IsEqualTo(0);
        }

        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
        using var queued = await api.SendAsync(HttpMethod.Post, "met/jobs/hyspex-missing-variants", api.Bob, """{"campaign_id":"variants"}""");
        var repair = await Expect(queued, HttpStatusCode.Accepted, MetJsonContext.Default.MetMissingVariantsDto);
        await Assert.That(repair.Queued).IsEqualTo(1);
        var job = await GetAsync(api, api.Bob, repair.Missing.Single().JobId!.Value);
        await Assert.That(job.Tool).IsEqualTo("build");
        await Assert.That(job.Status).IsEqualTo("queued");

        var problem = await RefusedAsync(api, HttpMethod.Post, "met/jobs/hyspex-missing-variants", api.Bob, """{"campaign_id":"nope"}""", HttpStatusCode.NotFound);
        await Assert.That(problem.ErrorCode).IsEqualTo("campaign_not_found");
        problem = await RefusedAsync(api, HttpMethod.Post, "met/jobs/hyspex-missing-variants", api.Bob, """{}""", HttpStatusCode.BadRequest);
        await Assert.That(problem.Errors!.Single().Path).IsEqualTo("$.campaign_id");
    }
}
