using System.Net;
using System.Text.Json;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Credits;

/// <summary>
/// Seed 002's operations from its document: both URL forms, the scopes of its tables, strict bodies (every wrong field
/// listed), estimate → execute → register with credits, create → dispatch, the org-scoped and project-scoped reads.
/// </summary>
public class GeoperaOperationsTests
{
    private static readonly string[] Operations =
    [
        "processing.catalog.estimate", "processing.catalog.get", "processing.catalog.list", "processing.catalog.validate",
        "processing.create", "processing.create_and_dispatch", "processing.dispatch", "processing.execute", "processing.job_types.list",
        "processing.job.delete", "processing.job.get", "processing.job.register", "processing.job.tile_info", "processing.jobs.list",
        "processing.project_job.get", "processing.project_jobs.list",
    ];

    [Test]
    public async Task every_operation_of_the_document_answers_at_both_of_its_urls()
    {
        await using var api = await CreditCalls.StartAsync();
        foreach (var operation in Operations)
        {
            var resourcePath = "v1/" + operation.Replace('.', '/');
            using var viaOp = await api.SendAsync(HttpMethod.Post, "v1/op/" + operation, api.Admin, "{\"bogus_field\":1}");
            using var viaPath = await api.SendAsync(HttpMethod.Post, resourcePath, api.Admin, "{\"bogus_field\":1}");

            // Each refuses the same unknown field the same way: the same handler behind both URLs.
            await Assert.That(viaOp.StatusCode).IsEqualTo(HttpStatusCode.BadRequest).Because(operation);
            await Assert.That(await viaPath.Content.ReadAsStringAsync()).IsEqualTo(await viaOp.Content.ReadAsStringAsync()).Because(operation);
        }
    }

    [Test]
    public async Task an_unknown_operation_is_a_404_naming_it()
    {
        await using var api = await CreditCalls.StartAsync();

        var (status, body) = await CreditCalls.OpAsync(api, "processing.catalog.teleport", api.Admin, "{}");
        using var dotted = await api.SendAsync(HttpMethod.Post, "v1/processing/job.get", api.Admin, "{}");

        await Assert.That(status).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(body.GetProperty("error_code").GetString()).IsEqualTo("unknown_operation");
        await Assert.That(body.GetProperty("detail").GetString()!).Contains("'processing.catalog.teleport'");
        await Assert.That(dotted.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task a_wrong_body_is_a_400_listing_every_field()
    {
        await using var api = await CreditCalls.StartAsync();
        var before = await api.SnapshotAsync();

        var (status, body) = await CreditCalls.OpAsync(api, "processing.execute", api.Admin, """{"workspaceId":5,"colour":"red"}""");

        await Assert.That(status).IsEqualTo(HttpStatusCode.BadRequest);
        var fields = body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()!).ToList();
        await Assert.That(fields).Contains("$.process_id");
        await Assert.That(fields).Contains("$.workspaceId");
        await Assert.That(fields).Contains("$.colour");
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    [Arguments("processing.catalog.list", Scopes.ProcessingRead)]
    [Arguments("processing.execute", Scopes.ProcessingProcess)]
    [Arguments("processing.job.register", Scopes.ProcessingProcess)]
    [Arguments("processing.job.delete", Scopes.ClipDestroy)]
    [Arguments("processing.job.tile_info", Scopes.ClipRead)]
    public async Task each_operation_needs_the_scope_its_table_names(string operation, string scope)
    {
        await using var api = await CreditCalls.StartAsync();
        var others = Scopes.All.Where(s => s != scope && s != Scopes.JobsAdmin && s != Scopes.Agent).ToArray();
        var lacking = await api.MintAsync("lacking", others);

        var (status, body) = await CreditCalls.OpAsync(api, operation, lacking, "{}");
        var (anonymous, _) = await CreditCalls.OpAsync(api, operation, null, "{}");

        await Assert.That(status).IsEqualTo(HttpStatusCode.Forbidden);
        await Assert.That(body.GetProperty("detail").GetString()!).Contains($"'{scope}'");
        await Assert.That(anonymous).IsEqualTo(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task the_catalog_is_the_tool_catalog()
    {
        await using var api = await CreditCalls.StartAsync();
        var reader = await api.MintAsync("viewer", Scopes.ProcessingRead);

        var (_, list) = await CreditCalls.OpAsync(api, "processing.catalog.list", reader, null);
        var (_, one) = await CreditCalls.OpAsync(api, "processing.catalog.get", reader, """{"process_id":"raster-export"}""");
        var (missing, _) = await CreditCalls.OpAsync(api, "processing.catalog.get", reader, """{"process_id":"teleport"}""");
        var (_, types) = await CreditCalls.OpAsync(api, "processing.job_types.list", reader, """{"category":"diagnostic"}""");

        var ids = list.GetProperty("processes").EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();
        await Assert.That(ids).Contains("raster-export");
        await Assert.That(ids.Count).IsEqualTo(api.Server.Options.Catalog.Tools.Count);
        await Assert.That(one.GetProperty("params_schema").ValueKind).IsEqualTo(JsonValueKind.Object);
        await Assert.That(missing).IsEqualTo(HttpStatusCode.NotFound);
        var categories = types.GetProperty("job_types").EnumerateArray().Select(t => t.GetProperty("category").GetString()!).Distinct().ToList();
        await Assert.That(categories).IsEquivalentTo(["diagnostic"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task validate_answers_an_empty_204_or_the_problem_in_the_operations_field_names()
    {
        await using var api = await CreditCalls.StartAsync();

        using var valid = await api.SendAsync(HttpMethod.Post, "v1/processing/catalog/validate", api.Admin, """{"process_id":"sleep","inputs":{"seconds":1}}""");
        var (invalid, problem) = await CreditCalls.OpAsync(api, "processing.catalog.validate", api.Admin, """{"process_id":"sleep","inputs":{"seconds":-1}}""");

        await Assert.That(valid.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
        await Assert.That((await valid.Content.ReadAsByteArrayAsync()).Length).IsEqualTo(0);
        await Assert.That(invalid).IsEqualTo(HttpStatusCode.BadRequest);
        var paths = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()!).ToList();
        await Assert.That(paths.All(p => p.StartsWith("$.inputs", StringComparison.Ordinal))).IsTrue();
    }

    [Test]
    public async Task estimate_execute_register_reserves_then_settles_from_the_measured_work()
    {
        var clock = new ManualClock();
        await using var api = await ApiServer.StartAsync(clock, o => o with { Prices = Coordinator.Credits.PriceTable.Default });
        await CreditCalls.OpenAsync(api, "survey", 100m);
        var runner = await api.MintAsync("runner", Scopes.ProcessingProcess, Scopes.ProcessingRead);

        var (_, estimate) = await CreditCalls.OpAsync(api, "processing.catalog.estimate", runner, """{"process_id":"sleep","inputs":{"seconds":60}}""");
        var (executed, job) = await CreditCalls.ExecuteSleepAsync(api, runner, "survey", 60);
        var id = CreditCalls.JobId(job);
        var (early, notYet) = await CreditCalls.OpAsync(api, "processing.job.register", runner, $$"""{"job_id":"{{id}}","outputs":["s3://out/a.tif"]}""");

        // The job ran 20 of its estimated 60 seconds: 2 credits of the 6 reserved are charged, 4 released.
        var running = await JobWalker.RunAsync(api.Ledger, id, JobWalker.Node);
        clock.Advance(TimeSpan.FromSeconds(20));
        await api.Ledger.FinishAsync(id, running.Fence, new EdgeJobs.Coordinator.Ledger.FinishReport(EdgeJobs.Coordinator.Ledger.FinishOutcome.Succeeded));
        var (registered, settlement) = await CreditCalls.OpAsync(api, "processing.job.register", runner, $$"""{"job_id":"{{id}}","outputs":["s3://out/a.tif"]}""");
        var (again, repeat) = await CreditCalls.OpAsync(api, "processing.job.register", runner, $$"""{"job_id":"{{id}}","outputs":["other"]}""");
        var (_, read) = await CreditCalls.OpAsync(api, "processing.job.get", runner, $$"""{"job_id":"{{id}}"}""");

        await Assert.That(estimate.GetProperty("estimated_credits").GetDecimal()).IsEqualTo(6m);
        await Assert.That(executed).IsEqualTo(HttpStatusCode.Created);
        await Assert.That(job.GetProperty("reserved_credits").GetDecimal()).IsEqualTo(6m);
        await Assert.That(job.GetProperty("workspaceId").GetString()).IsEqualTo("survey");
        await Assert.That(early).IsEqualTo(HttpStatusCode.Conflict);
        await Assert.That(notYet.GetProperty("error_code").GetString()).IsEqualTo("job_not_completed");
        await Assert.That(registered).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(settlement.GetProperty("measured_seconds").GetDouble()).IsEqualTo(20.0);
        await Assert.That(settlement.GetProperty("charged_credits").GetDecimal()).IsEqualTo(2m);
        await Assert.That(settlement.GetProperty("released_credits").GetDecimal()).IsEqualTo(4m);
        await Assert.That(settlement.GetProperty("workspace").GetProperty("balance").GetDecimal()).IsEqualTo(98m);
        await Assert.That(settlement.GetProperty("workspace").GetProperty("reserved").GetDecimal()).IsEqualTo(0m);
        await Assert.That(again).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(repeat.GetProperty("outputs")[0].GetString()).IsEqualTo("s3://out/a.tif");
        await Assert.That(read.GetProperty("status").GetString()).IsEqualTo("completed");
        await Assert.That(read.GetProperty("charged_credits").GetDecimal()).IsEqualTo(2m);
        var kinds = (await CreditCalls.EventsAsync(api, "survey")).Select(e => e.Kind);
        await Assert.That(kinds).IsEquivalentTo(["grant", "reserve", "settle"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        // This finish came without the agent's CPU seconds (an older agent): the wall seconds were priced.
        await Assert.That(settlement.GetProperty("measured_cpu_seconds").ValueKind).IsEqualTo(System.Text.Json.JsonValueKind.Null);
    }

    [Test]
    public async Task register_prices_the_cpu_seconds_the_agent_measured_not_the_wall_seconds()
    {
        var clock = new ManualClock();
        await using var api = await ApiServer.StartAsync(clock, o => o with { Prices = Coordinator.Credits.PriceTable.Default });
        await CreditCalls.OpenAsync(api, "survey", 100m);
        var (_, job) = await CreditCalls.ExecuteSleepAsync(api, api.Admin, "survey", 60);
        var id = CreditCalls.JobId(job);
        var running = await JobWalker.RunAsync(api.Ledger, id, JobWalker.Node);
        clock.Advance(TimeSpan.FromSeconds(40));
        await api.Ledger.FinishAsync(id, running.Fence, new EdgeJobs.Coordinator.Ledger.FinishReport(EdgeJobs.Coordinator.Ledger.FinishOutcome.Succeeded, CpuSeconds: 3.2));

        var (registered, settlement) = await CreditCalls.OpAsync(api, "processing.job.register", api.Admin, $$"""{"job_id":"{{id}}","outputs":[]}""");
        using var read = await api.SendAsync(HttpMethod.Get, $"v1/jobs/{id}", api.Admin);
        var dto = (await ApiServer.ReadAsync(read, EdgeJobs.Protocol.Rest.RestJsonContext.Default.JobDto))!;

        await Assert.That(registered).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(settlement.GetProperty("measured_seconds").GetDouble()).IsEqualTo(40.0);
        await Assert.That(settlement.GetProperty("measured_cpu_seconds").GetDouble()).IsEqualTo(3.2);
        await Assert.That(settlement.GetProperty("charged_credits").GetDecimal()).IsEqualTo(0.32m);
        await Assert.That(dto.CpuSeconds).IsEqualTo(3.2);
    }

    [Test]
    public async Task an_execute_repeated_with_its_idempotency_key_is_answered_again_not_charged_again()
    {
        await using var api = await CreditCalls.StartAsync(CreditCalls.OnePerJob);
        await CreditCalls.OpenAsync(api, "survey", 10m);

        var first = await CreditCalls.ExecuteSleepAsync(api, api.Admin, "survey", 5, key: "k-1");
        var second = await CreditCalls.ExecuteSleepAsync(api, api.Admin, "survey", 5, key: "k-1");
        using var viaPath = new HttpRequestMessage(HttpMethod.Post, "v1/processing/execute")
        {
            Content = new StringContent("""{"process_id":"sleep","workspaceId":"survey","inputs":{"seconds":5}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        viaPath.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", api.Admin);
        viaPath.Headers.Add("Idempotency-Key", "k-1");
        using var third = await api.Http.SendAsync(viaPath);

        await Assert.That(first.Status).IsEqualTo(HttpStatusCode.Created);
        await Assert.That(second.Status).IsEqualTo(HttpStatusCode.Created);
        await Assert.That(CreditCalls.JobId(second.Body)).IsEqualTo(CreditCalls.JobId(first.Body));
        await Assert.That(third.Headers.Contains("Idempotent-Replayed")).IsTrue();
        await Assert.That((await CreditCalls.GetAsync(api, "survey")).Reserved).IsEqualTo(1m);
    }

    [Test]
    public async Task create_makes_a_pending_job_that_dispatch_schedules()
    {
        await using var api = await CreditCalls.StartAsync();
        var runner = await api.MintAsync("runner", Scopes.ProcessingProcess, Scopes.ProcessingRead);

        var (created, job) = await CreditCalls.OpAsync(api, "processing.create", runner, """{"process_id":"sleep","inputs":{"seconds":2}}""");
        var id = job.GetProperty("job_id").GetString();
        var (wrongVersion, _) = await CreditCalls.OpAsync(api, "processing.dispatch", runner, $$"""{"job_id":"{{id}}","version":"99"}""");
        var (dispatched, scheduled) = await CreditCalls.OpAsync(api, "processing.dispatch", runner, $$"""{"job_id":"{{id}}","version":"1"}""");
        var (_, both) = await CreditCalls.OpAsync(api, "processing.create_and_dispatch", runner, """{"process_id":"sleep","inputs":{"seconds":3}}""");
        var (_, pending) = await CreditCalls.OpAsync(api, "processing.jobs.list", runner, """{"status":"pending"}""");

        await Assert.That(created).IsEqualTo(HttpStatusCode.Created);
        await Assert.That(job.GetProperty("status").GetString()).IsEqualTo("pending");
        await Assert.That(wrongVersion).IsEqualTo(HttpStatusCode.Conflict);
        await Assert.That(dispatched).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(scheduled.GetProperty("status").GetString()).IsEqualTo("scheduled");
        await Assert.That(both.GetProperty("status").GetString()).IsEqualTo("scheduled");
        await Assert.That(pending.GetProperty("total").GetInt64()).IsEqualTo(0);
    }

    [Test]
    public async Task jobs_list_filters_pages_and_sorts_the_org_s_jobs()
    {
        await using var api = await CreditCalls.StartAsync(CreditCalls.OnePerJob);
        await CreditCalls.OpenAsync(api, "survey", 100m);
        var runner = await api.MintAsync("runner", Scopes.ProcessingProcess);
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(CreditCalls.JobId((await CreditCalls.ExecuteSleepAsync(api, runner, "survey", 1 + i)).Body));
        }

        var unpaid = await api.SubmitAsync(api.Carol);
        var acme = await api.MintInOrgAsync("ann", "acme", Scopes.JobsWrite, Scopes.ProcessingRead);
        await api.SubmitAsync(acme);
        var viewer = await api.MintAsync("viewer", Scopes.ProcessingRead);

        var (_, paid) = await CreditCalls.OpAsync(api, "processing.jobs.list", viewer, """{"workspaceId":"survey","limit":2,"page":2,"sort":"created_at"}""");
        var (_, all) = await CreditCalls.OpAsync(api, "processing.jobs.list", viewer, """{"processId":"sleep","status":"scheduled"}""");
        var (_, picked) = await CreditCalls.OpAsync(api, "processing.jobs.list", viewer, $$"""{"ids":"{{ids[0]}},{{unpaid.Id}}"}""");
        var (_, acmeSees) = await CreditCalls.OpAsync(api, "processing.jobs.list", acme, null);
        var (bad, problem) = await CreditCalls.OpAsync(api, "processing.jobs.list", viewer, """{"status":"sleeping","sort":"size","limit":0,"ids":"x"}""");

        await Assert.That(paid.GetProperty("total").GetInt64()).IsEqualTo(5);
        await Assert.That(paid.GetProperty("jobs").EnumerateArray().Select(CreditCalls.JobId)).IsEquivalentTo(ids.Skip(2).Take(2), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(all.GetProperty("total").GetInt64()).IsEqualTo(6);
        await Assert.That(picked.GetProperty("jobs").EnumerateArray().Select(CreditCalls.JobId)).IsEquivalentTo([unpaid.Id, ids[0]], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(acmeSees.GetProperty("total").GetInt64()).IsEqualTo(1);
        await Assert.That(bad).IsEqualTo(HttpStatusCode.BadRequest);
        var fields = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()!).ToList();
        await Assert.That(fields).IsEquivalentTo(["$.limit", "$.status", "$.ids", "$.sort"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task another_org_s_job_does_not_exist_for_any_operation()
    {
        await using var api = await CreditCalls.StartAsync();
        var job = await api.SubmitAsync(api.Bob);
        var acme = await api.MintInOrgAsync("ann", "acme", Scopes.ProcessingRead, Scopes.ProcessingProcess, Scopes.ClipRead, Scopes.ClipDestroy);

        foreach (var operation in new[] { "processing.job.get", "processing.dispatch", "processing.job.register", "processing.job.tile_info", "processing.project_job.get" })
        {
            var (status, body) = await CreditCalls.OpAsync(api, operation, acme, $$"""{"job_id":"{{job.Id}}"}""");
            await Assert.That(status).IsEqualTo(HttpStatusCode.NotFound).Because(operation);
            await Assert.That(body.GetProperty("error_code").GetString()).IsEqualTo("job_not_found");
        }

        var (deleted, _) = await CreditCalls.OpAsync(api, "processing.job.delete", acme, $$"""{"job_id":"{{job.Id}}"}""");
        await Assert.That(deleted).IsEqualTo(HttpStatusCode.NoContent);
        await Assert.That(await api.Ledger.GetJobAsync(job.Id)).IsNotNull();
    }

    [Test]
    public async Task job_delete_refuses_a_job_still_active_and_deletes_a_finished_one()
    {
        await using var api = await CreditCalls.StartAsync();
        var running = await api.SubmitAsync(api.Bob);
        await JobWalker.RunAsync(api.Ledger, running.Id, JobWalker.Node);
        var done = await api.SubmitAsync(api.Bob);
        await JobWalker.IntoStateAsync(api.Ledger, done.Id, JobState.Completed);

        var (refused, problem) = await CreditCalls.OpAsync(api, "processing.job.delete", api.Admin, $$"""{"job_id":"{{running.Id}}"}""");
        var (deleted, _) = await CreditCalls.OpAsync(api, "processing.job.delete", api.Admin, $$"""{"job_id":"{{done.Id}}"}""");
        var (malformed, bad) = await CreditCalls.OpAsync(api, "processing.job.delete", api.Admin, """{"job_id":"../1"}""");

        await Assert.That(refused).IsEqualTo(HttpStatusCode.Conflict);
        await Assert.That(problem.GetProperty("detail").GetString()!).Contains("running");
        await Assert.That((await api.Ledger.GetJobAsync(running.Id))!.JobState).IsEqualTo(JobState.Running);
        await Assert.That(deleted).IsEqualTo(HttpStatusCode.NoContent);
        await Assert.That(await api.Ledger.GetJobAsync(done.Id)).IsNull();
        await Assert.That(malformed).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That(bad.GetProperty("errors")[0].GetProperty("path").GetString()).IsEqualTo("$.job_id");
    }

    [Test]
    public async Task a_project_s_jobs_are_its_members_to_read()
    {
        await using var api = await CreditCalls.StartAsync();
        var ann = await api.MintAsync("ann", Scopes.ProcessingRead, Scopes.ProcessingProcess);
        var ben = await api.MintAsync("ben", Scopes.ProcessingRead, Scopes.ProcessingProcess);
        using var project = await api.SendAsync(HttpMethod.Post, "v1/projects", ann, """{"id":"coast","title":"Coastline"}""");
        var (_, made) = await CreditCalls.OpAsync(api, "processing.create_and_dispatch", ann, """{"process_id":"sleep","project_id":"coast","inputs":{"seconds":1}}""");
        var (notMember, _) = await CreditCalls.OpAsync(api, "processing.create_and_dispatch", ben, """{"process_id":"sleep","project_id":"coast","inputs":{"seconds":2}}""");
        var id = made.GetProperty("job_id").GetString();

        var (benBefore, _) = await CreditCalls.OpAsync(api, "processing.project_job.get", ben, $$"""{"job_id":"{{id}}"}""");
        var (benListBefore, _) = await CreditCalls.OpAsync(api, "processing.project_jobs.list", ben, """{"project_id":"coast"}""");
        using var add = await api.SendAsync(HttpMethod.Put, "v1/projects/coast/members/ben", ann);
        var (benAfter, job) = await CreditCalls.OpAsync(api, "processing.project_job.get", ben, $$"""{"job_id":"{{id}}"}""");
        var (_, list) = await CreditCalls.OpAsync(api, "processing.project_jobs.list", ben, """{"project_id":"coast","status":"scheduled","job_type_name":"sleep","limit":10,"offset":0}""");

        await Assert.That(project.StatusCode).IsEqualTo(HttpStatusCode.Created);
        await Assert.That(notMember).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That(benBefore).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(benListBefore).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(add.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(benAfter).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(job.GetProperty("project_id").GetString()).IsEqualTo("coast");
        await Assert.That(list.GetProperty("total").GetInt64()).IsEqualTo(1);
        await Assert.That(list.GetProperty("offset").GetInt32()).IsEqualTo(0);
    }

    [Test]
    public async Task execute_without_enough_credits_is_402_and_a_price_that_cannot_be_known_is_422()
    {
        await using var api = await ApiServer.StartAsync(configure: o => o with { InputUrlAllow = ["127.0.0.1"] });
        await CreditCalls.OpenAsync(api, "survey", 0.01m);
        var before = await api.SnapshotAsync();

        var (short_, problem) = await CreditCalls.ExecuteSleepAsync(api, api.Admin, "survey", 60);
        var (unknown, why) = await CreditCalls.OpAsync(api, "processing.execute", api.Admin,
            """{"process_id":"nc-to-geotiff","workspaceId":"survey","inputs":{"url":"http://127.0.0.1:9/x.nc","variable":"t","output":"t.tif"}}""");

        await Assert.That(short_).IsEqualTo(HttpStatusCode.PaymentRequired);
        await Assert.That(problem.GetProperty("error_code").GetString()).IsEqualTo("insufficient_credits");
        await Assert.That(unknown).IsEqualTo((HttpStatusCode)422);
        await Assert.That(why.GetProperty("error_code").GetString()).IsEqualTo("cannot_estimate");
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }
}
