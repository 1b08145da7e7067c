using System.Net;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Credits;

/// <summary>
/// Workspaces and credits through REST on a real ledger: reservations at submit in the insert's transaction, settlement
/// at register from the measured work, release when a job ends otherwise, an append-only trail, and a balance that never
/// goes negative however many submits race for it.
/// </summary>
public class CreditsTests
{
    [Test]
    public async Task an_admin_opens_a_workspace_and_everyone_of_the_org_reads_its_balance()
    {
        await using var api = await CreditCalls.StartAsync();
        var opened = await CreditCalls.OpenAsync(api, "survey", 100m);

        await Assert.That(opened.Balance).IsEqualTo(100m);
        await Assert.That(opened.Reserved).IsEqualTo(0m);
        var read = await CreditCalls.GetAsync(api, "survey", api.Reader);
        await Assert.That(read.Available).IsEqualTo(100m);
        var events = await CreditCalls.EventsAsync(api, "survey");
        await Assert.That(events.Select(e => (e.Kind, e.Amount, e.Actor))).IsEquivalentTo([("grant", 100m, "admin")], TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task opening_a_workspace_twice_is_a_conflict_and_changes_nothing()
    {
        await using var api = await CreditCalls.StartAsync();
        await CreditCalls.OpenAsync(api, "survey", 100m);

        using var again = await api.SendAsync(HttpMethod.Post, "v1/workspaces", api.Admin, """{"id":"survey","credits":5}""");

        await Assert.That(again.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        await Assert.That((await ApiServer.ProblemAsync(again)).ErrorCode).IsEqualTo("workspace_exists");
        await Assert.That((await CreditCalls.GetAsync(api, "survey")).Balance).IsEqualTo(100m);
    }

    [Test]
    [Arguments("""{"id":"Bad Id","credits":1}""", "$.id")]
    [Arguments("""{"id":"ok","credits":-1}""", "$.credits")]
    [Arguments("""{"id":"ok","credits":0.0001}""", "$.credits")]
    [Arguments("""{"id":"ok","credits":1e12}""", "$.credits")]
    [Arguments("""{"id":"ok","credits":1,"colour":"red"}""", "$.colour")]
    [Arguments("""{"credits":1}""", "$.id")]
    [Arguments("""{"id":"ok","credits":1,"org":"Not An Org"}""", "$.org")]
    public async Task a_malformed_workspace_is_refused_naming_the_field_and_nothing_is_written(string body, string field)
    {
        await using var api = await CreditCalls.StartAsync();
        var before = await api.SnapshotAsync();

        using var response = await api.SendAsync(HttpMethod.Post, "v1/workspaces", api.Admin, body);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(response)).Errors!.Select(e => e.Path)).Contains(field);
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task only_an_admin_opens_workspaces_or_changes_credits()
    {
        await using var api = await CreditCalls.StartAsync();
        await CreditCalls.OpenAsync(api, "survey", 10m);
        var before = await api.SnapshotAsync();

        using var open = await api.SendAsync(HttpMethod.Post, "v1/workspaces", api.Bob, """{"id":"mine","credits":1000}""");
        using var grant = await api.SendAsync(HttpMethod.Post, "v1/workspaces/survey/credits", api.Bob, """{"amount":1000,"reason":"please"}""");

        await Assert.That(open.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        await Assert.That(grant.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task another_org_s_workspace_does_not_exist_for_its_tokens()
    {
        await using var api = await CreditCalls.StartAsync();
        await CreditCalls.OpenAsync(api, "survey", 10m);
        var acme = await api.MintInOrgAsync("ann", "acme", Scopes.JobsRead, Scopes.JobsWrite, Scopes.ProcessingProcess);
        var acmeAdmin = await api.MintInOrgAsync("acme-admin", "acme", Scopes.JobsAdmin);

        using var read = await api.GetAsync("v1/workspaces/survey", acme);
        using var readNamed = await api.GetAsync("v1/workspaces/survey?org=default", acmeAdmin);
        using var grant = await api.SendAsync(HttpMethod.Post, "v1/workspaces/survey/credits", acmeAdmin, """{"amount":5,"reason":"x"}""");
        using var submit = await api.SendAsync(HttpMethod.Post, "v1/jobs", acme, """{"tool":"sleep","params":{"seconds":1},"workspace":"survey"}""");

        await Assert.That(read.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(readNamed.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(grant.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(submit.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(submit)).Errors!.Single().Reason).IsEqualTo("org 'acme' has no workspace 'survey'");
        await Assert.That((await CreditCalls.GetAsync(api, "survey")).Balance).IsEqualTo(10m);
    }

    [Test]
    public async Task a_submit_with_a_workspace_reserves_its_priced_estimate_in_the_same_transaction()
    {
        await using var api = await CreditCalls.StartAsync();
        await CreditCalls.OpenAsync(api, "survey", 100m);

        using var estimate = await api.SendAsync(HttpMethod.Post, "v1/jobs/estimate", api.Bob, """{"tool":"sleep","params":{"seconds":30}}""");
        using var submit = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, """{"tool":"sleep","params":{"seconds":30},"workspace":"survey"}""");

        // The default table: 0.1 credit per estimated second.
        await Assert.That((await ApiServer.ReadAsync(estimate, RestJsonContext.Default.EstimateDto))!.EstimatedCredits).IsEqualTo(3m);
        await Assert.That(submit.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        var job = (await ApiServer.ReadAsync(submit, RestJsonContext.Default.JobDto))!;
        await Assert.That(job.Workspace).IsEqualTo("survey");
        var workspace = await CreditCalls.GetAsync(api, "survey");
        await Assert.That((workspace.Balance, workspace.Reserved, workspace.Available)).IsEqualTo((100m, 3m, 97m));
        var reserve = (await CreditCalls.EventsAsync(api, "survey")).Last();
        await Assert.That((reserve.Kind, reserve.ReservedDelta, reserve.JobId, reserve.Actor)).IsEqualTo(("reserve", 3m, (long?)job.Id, "bob"));
    }

    [Test]
    public async Task a_workspace_short_of_credits_refuses_with_402_and_writes_nothing()
    {
        await using var api = await CreditCalls.StartAsync();
        await CreditCalls.OpenAsync(api, "survey", 1m);
        var before = await api.SnapshotAsync();
        var eventsBefore = (await CreditCalls.EventsAsync(api, "survey")).Count;

        using var submit = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, """{"tool":"sleep","params":{"seconds":30},"workspace":"survey"}""");

        await Assert.That(submit.StatusCode).IsEqualTo(HttpStatusCode.PaymentRequired);
        var problem = await ApiServer.ProblemAsync(submit);
        await Assert.That(problem.ErrorCode).IsEqualTo("insufficient_credits");
        await Assert.That(problem.Detail!).Contains("can reserve 1 more credits");
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
        await Assert.That((await CreditCalls.EventsAsync(api, "survey")).Count).IsEqualTo(eventsBefore);
    }

    [Test]
    public async Task two_hundred_concurrent_executes_against_a_balance_for_one_hundred_make_exactly_one_hundred_jobs()
    {
        await using var api = await CreditCalls.StartAsync(CreditCalls.OnePerJob);
        await CreditCalls.OpenAsync(api, "survey", 100m);
        var runner = await api.MintAsync("runner", Scopes.ProcessingProcess, Scopes.ProcessingRead);

        // Distinct inputs, so no execute repeats another (an identical one would be the same job, not a second charge).
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => CreditCalls.ExecuteSleepAsync(api, runner, "survey", 1 + i / 1000.0)));

        await Assert.That(answers.Count(a => a.Status == HttpStatusCode.Created)).IsEqualTo(100);
        await Assert.That(answers.Count(a => a.Status == HttpStatusCode.PaymentRequired)).IsEqualTo(100);
        var workspace = await CreditCalls.GetAsync(api, "survey");
        await Assert.That((workspace.Balance, workspace.Reserved, workspace.Available)).IsEqualTo((100m, 100m, 0m));
        var page = await api.Ledger.QueryOrgJobsAsync(new EdgeJobs.Coordinator.Ledger.OrgJobQuery { Workspace = "survey", Limit = 500 });
        await Assert.That(page.Total).IsEqualTo(100);
        var events = await CreditCalls.EventsAsync(api, "survey");
        await Assert.That(events.Count(e => e.Kind == "reserve")).IsEqualTo(100);
        await Assert.That(events.Max(e => e.ReservedAfter)).IsEqualTo(100m);
    }

    [Test]
    [Arguments(JobState.Failed)]
    [Arguments(JobState.Stopped)]
    public async Task a_job_that_ends_without_completing_releases_its_whole_reservation(JobState end)
    {
        await using var api = await CreditCalls.StartAsync(CreditCalls.OnePerJob);
        await CreditCalls.OpenAsync(api, "survey", 10m);
        var job = await SubmitPaidAsync(api, "survey");

        await JobWalker.IntoStateAsync(api.Ledger, job.Id, end);

        var workspace = await CreditCalls.GetAsync(api, "survey");
        await Assert.That((workspace.Balance, workspace.Reserved)).IsEqualTo((10m, 0m));
        var release = (await CreditCalls.EventsAsync(api, "survey")).Last();
        await Assert.That((release.Kind, release.ReservedDelta, release.Amount, release.JobId)).IsEqualTo(("release", -1m, 0m, (long?)job.Id));
        await Assert.That(release.Reason).IsEqualTo($"job {end.Name()}");
    }

    [Test]
    public async Task a_job_whose_lease_expires_past_its_last_attempt_releases_its_reservation()
    {
        var clock = new ManualClock();
        await using var api = await ApiServer.StartAsync(clock, o => o with { Prices = CreditCalls.OnePerJob });
        await CreditCalls.OpenAsync(api, "survey", 10m);
        using var submit = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, """{"tool":"sleep","params":{"seconds":1},"workspace":"survey","max_attempts":1}""");
        var job = (await ApiServer.ReadAsync(submit, RestJsonContext.Default.JobDto))!;
        await JobWalker.RunAsync(api.Ledger, job.Id, JobWalker.Node);

        clock.Advance(TimeSpan.FromMinutes(5));
        await api.Ledger.ExpireLeasesAsync();

        await Assert.That((await api.Ledger.GetJobAsync(job.Id))!.JobState).IsEqualTo(JobState.Failed);
        await Assert.That((await CreditCalls.GetAsync(api, "survey")).Reserved).IsEqualTo(0m);
    }

    [Test]
    public async Task an_admin_takes_credits_away_only_down_to_what_is_reserved()
    {
        await using var api = await CreditCalls.StartAsync(CreditCalls.OnePerJob);
        await CreditCalls.OpenAsync(api, "survey", 10m);
        await SubmitPaidAsync(api, "survey");

        using var tooMuch = await api.SendAsync(HttpMethod.Post, "v1/workspaces/survey/credits", api.Admin, """{"amount":-9.5,"reason":"refund"}""");
        using var enough = await api.SendAsync(HttpMethod.Post, "v1/workspaces/survey/credits", api.Admin, """{"amount":-9,"reason":"refund to the client"}""");
        using var noReason = await api.SendAsync(HttpMethod.Post, "v1/workspaces/survey/credits", api.Admin, """{"amount":5,"reason":" "}""");

        await Assert.That(tooMuch.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        await Assert.That((await ApiServer.ProblemAsync(tooMuch)).ErrorCode).IsEqualTo("insufficient_credits");
        await Assert.That(enough.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(noReason.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        var workspace = await CreditCalls.GetAsync(api, "survey");
        await Assert.That((workspace.Balance, workspace.Reserved, workspace.Available)).IsEqualTo((1m, 1m, 0m));
        var adjust = (await CreditCalls.EventsAsync(api, "survey")).Last();
        await Assert.That((adjust.Kind, adjust.Amount, adjust.Actor, adjust.Reason)).IsEqualTo(("adjust", -9m, "admin", "refund to the client"));
    }

    [Test]
    public async Task credit_events_cannot_be_rewritten()
    {
        await using var api = await CreditCalls.StartAsync();
        await CreditCalls.OpenAsync(api, "survey", 10m);
        await using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={api.Ledger.Path};Pooling=False");
        c.Open();
        using var update = c.CreateCommand();
        update.CommandText = "UPDATE credit_events SET amount = 1000000";

        var refused = Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => update.ExecuteNonQuery());

        await Assert.That(refused!.Message).Contains("append-only");
    }

    [Test]
    public async Task a_held_job_waits_outside_the_queue_until_dispatched()
    {
        await using var api = await CreditCalls.StartAsync();
        using var submit = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, """{"tool":"sleep","params":{"seconds":1},"hold":true}""");
        var job = (await ApiServer.ReadAsync(submit, RestJsonContext.Default.JobDto))!;

        await Assert.That(job.Status).IsEqualTo("held");
        var (granted, _) = await api.Ledger.GrantJobAsync(job.Id, JobWalker.Node);
        await Assert.That(granted.Outcome).IsNotEqualTo(EdgeJobs.Coordinator.Ledger.TransitionOutcome.Ok);

        using var dispatch = await api.SendAsync(HttpMethod.Post, $"v1/jobs/{job.Id}/dispatch", api.Bob);
        using var again = await api.SendAsync(HttpMethod.Post, $"v1/jobs/{job.Id}/dispatch", api.Bob);
        using var events = await api.GetAsync($"v1/jobs/{job.Id}/events", api.Bob);

        await Assert.That((await ApiServer.ReadAsync(dispatch, RestJsonContext.Default.JobDto))!.Status).IsEqualTo("scheduled");
        await Assert.That(again.StatusCode).IsEqualTo(HttpStatusCode.OK);
        var reasons = (await ApiServer.ReadAsync(events, RestJsonContext.Default.JobEventListDto))!.Events.Select(e => (e.To, e.Reason));
        await Assert.That(reasons).IsEquivalentTo([("held", "submitted"), ("scheduled", "dispatched")], TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task a_finished_job_cannot_be_dispatched_and_a_held_one_stops_at_once()
    {
        await using var api = await CreditCalls.StartAsync(CreditCalls.OnePerJob);
        await CreditCalls.OpenAsync(api, "survey", 10m);
        using var submit = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, """{"tool":"sleep","params":{"seconds":1},"hold":true,"workspace":"survey"}""");
        var job = (await ApiServer.ReadAsync(submit, RestJsonContext.Default.JobDto))!;
        await Assert.That((await CreditCalls.GetAsync(api, "survey")).Reserved).IsEqualTo(1m);

        using var stop = await api.SendAsync(HttpMethod.Post, $"v1/jobs/{job.Id}/stop", api.Bob);
        using var dispatch = await api.SendAsync(HttpMethod.Post, $"v1/jobs/{job.Id}/dispatch", api.Bob);

        await Assert.That((await ApiServer.ReadAsync(stop, RestJsonContext.Default.JobDto))!.Status).IsEqualTo("stopped");
        await Assert.That(dispatch.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        await Assert.That((await ApiServer.ProblemAsync(dispatch)).State).IsEqualTo("stopped");
        await Assert.That((await CreditCalls.GetAsync(api, "survey")).Reserved).IsEqualTo(0m);
    }

    [Test]
    public async Task a_held_job_counts_as_active_and_cannot_be_deleted()
    {
        await using var api = await CreditCalls.StartAsync();
        using var submit = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, """{"tool":"sleep","params":{"seconds":1},"hold":true}""");
        var job = (await ApiServer.ReadAsync(submit, RestJsonContext.Default.JobDto))!;

        using var delete = await api.SendAsync(HttpMethod.Delete, $"v1/jobs/{job.Id}", api.Bob);
        using var features = await api.GetAsync("v1/sys/features", api.Bob);

        await Assert.That(delete.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        await Assert.That((await api.Ledger.ActiveCountsAsync("bob", "sleep")).Owner).IsEqualTo(1);
        var states = (await ApiServer.ReadAsync(features, RestJsonContext.Default.FeaturesDto))!.JobStates;
        await Assert.That(states).Contains(new JobStateInfoDto("held", false));
    }

    [Test]
    [Arguments("""{"tool":"sleep","params":{"seconds":1},"workspace":"No Such"}""", "$.workspace")]
    [Arguments("""{"tool":"sleep","params":{"seconds":1},"workspace":"absent"}""", "$.workspace")]
    [Arguments("""{"tool":"sleep","params":{"seconds":1},"project":"absent"}""", "$.project")]
    [Arguments("""{"tool":"sleep","params":{"seconds":1},"hold":"yes"}""", "$.hold")]
    [Arguments("""{"recipe":{"name":"r","version":"1","steps":[{"id":"a","tool":"sleep","params":{"seconds":1}}]},"workspace":"survey"}""", "$.workspace")]
    public async Task a_submit_naming_a_bad_workspace_or_project_is_refused_and_writes_nothing(string body, string field)
    {
        await using var api = await CreditCalls.StartAsync();
        await CreditCalls.OpenAsync(api, "survey", 10m);
        var before = await api.SnapshotAsync();

        using var response = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, body);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(response)).Errors!.Select(e => e.Path)).Contains(field);
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task a_completed_job_deleted_before_a_register_is_settled_by_the_sweeper_from_its_measured_work()
    {
        var clock = new ManualClock();
        await using var api = await ApiServer.StartAsync(clock, o => o with { Prices = Coordinator.Credits.PriceTable.Default });
        var job = await CompletePaidSleepAsync(api, clock, TimeSpan.FromSeconds(30), cpuSeconds: 7.5);
        var before = await api.Ledger.SettleUnregisteredAsync(Coordinator.Credits.PriceTable.Default.Of);

        using var delete = await api.SendAsync(HttpMethod.Delete, $"v1/jobs/{job.Id}", api.Bob);
        var settled = await api.Ledger.SettleUnregisteredAsync(Coordinator.Credits.PriceTable.Default.Of);
        var again = await api.Ledger.SettleUnregisteredAsync(Coordinator.Credits.PriceTable.Default.Of);

        // Completed and not yet registered, the reservation stays open: register may still come.
        await Assert.That(before).IsEmpty();
        await Assert.That(delete.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
        // Priced from the 7.5 CPU seconds the agent measured (0.1 a second), not the 30 wall seconds: 0.75 of the 6 reserved.
        await Assert.That(settled.Select(s => (s.JobId, s.Charged, s.Reserved))).IsEquivalentTo([(job.Id, 750L, 6000L)], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(again).IsEmpty();
        var workspace = await CreditCalls.GetAsync(api, "survey");
        await Assert.That((workspace.Balance, workspace.Reserved)).IsEqualTo((99.25m, 0m));
        var settle = (await CreditCalls.EventsAsync(api, "survey")).Last();
        await Assert.That((settle.Kind, settle.Amount, settle.ReservedDelta, settle.Actor)).IsEqualTo(("settle", -0.75m, -6m, "edgejobs"));
        await Assert.That(settle.Reason).IsEqualTo("the job was deleted before a register: measured 7.5 CPU s (30 s wall), 0 output bytes; 5250 released");
    }

    [Test]
    public async Task a_completed_job_whose_artifact_expires_before_a_register_is_settled_and_a_late_register_charges_nothing_more()
    {
        var clock = new ManualClock();
        await using var api = await ApiServer.StartAsync(clock, o => o with { Prices = Coordinator.Credits.PriceTable.Default });
        var job = await CompletePaidSleepAsync(api, clock, TimeSpan.FromSeconds(10), cpuSeconds: 10);
        await api.Ledger.RecordArtifactAsync(job.Id, "out.tif", 100_000_000, new string('0', 64), clock.GetUtcNow().AddHours(1));

        clock.Advance(TimeSpan.FromHours(2));
        await api.Ledger.ExpireArtifactsAsync();
        var settled = await api.Ledger.SettleUnregisteredAsync(Coordinator.Credits.PriceTable.Default.Of);
        var (late, registration) = await CreditCalls.OpAsync(api, "processing.job.register", api.Admin, $$"""{"job_id":"{{job.Id}}","outputs":[]}""");

        // 10 CPU seconds (1 credit) and 0.1 GB of output (1 credit), within the 6 reserved (the estimate: 60 s).
        await Assert.That(settled.Select(s => (s.Charged, s.Why))).IsEquivalentTo([(2_000L, "its artifact expired before a register")], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(late).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(registration.GetProperty("charged_credits").GetDecimal()).IsEqualTo(0m);
        await Assert.That(registration.GetProperty("measured_cpu_seconds").GetDouble()).IsEqualTo(10.0);
        var workspace = await CreditCalls.GetAsync(api, "survey");
        await Assert.That((workspace.Balance, workspace.Reserved)).IsEqualTo((98m, 0m));
    }

    [Test]
    public async Task a_deleted_job_is_charged_for_its_artifact_too_which_goes_with_it()
    {
        var clock = new ManualClock();
        await using var api = await ApiServer.StartAsync(clock, o => o with { Prices = Coordinator.Credits.PriceTable.Default });
        var job = await CompletePaidSleepAsync(api, clock, TimeSpan.FromSeconds(20), cpuSeconds: 5);
        await api.Ledger.RecordArtifactAsync(job.Id, "out.tif", 200_000_000, new string('0', 64), clock.GetUtcNow().AddHours(1));

        using var delete = await api.SendAsync(HttpMethod.Delete, $"v1/jobs/{job.Id}", api.Bob);
        var settled = await api.Ledger.SettleUnregisteredAsync(Coordinator.Credits.PriceTable.Default.Of);

        // 5 CPU seconds (0.5 credit) and 0.2 GB of output (2 credits): the artifact's size was kept as the job went.
        await Assert.That(delete.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
        await Assert.That(settled.Select(s => s.Charged)).IsEquivalentTo([2_500L], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That((await CreditCalls.EventsAsync(api, "survey")).Last().Reason!).Contains("200000000 output bytes");
    }

    [Test]
    [Arguments(double.PositiveInfinity)]
    [Arguments(double.NaN)]
    [Arguments(-3.0)]
    [Arguments(1e300)]
    public async Task cpu_seconds_no_attempt_can_have_are_not_kept_and_the_wall_seconds_are_priced(double reported)
    {
        var clock = new ManualClock();
        await using var api = await ApiServer.StartAsync(clock, o => o with { Prices = Coordinator.Credits.PriceTable.Default });
        var job = await CompletePaidSleepAsync(api, clock, TimeSpan.FromSeconds(30), cpuSeconds: reported);

        var (registered, settlement) = await CreditCalls.OpAsync(api, "processing.job.register", api.Admin, $$"""{"job_id":"{{job.Id}}","outputs":[]}""");

        await Assert.That((await api.Ledger.GetJobAsync(job.Id))!.CpuMs).IsNull();
        await Assert.That(registered).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(settlement.GetProperty("charged_credits").GetDecimal()).IsEqualTo(3m); // 30 wall seconds at 0.1
    }

    /// <summary>A workspace "survey" of 100 credits, and a sleep of 60 s (6 credits reserved) that completes after <paramref name="ran"/>.</summary>
    private static async Task<JobDto> CompletePaidSleepAsync(ApiServer api, ManualClock clock, TimeSpan ran, double cpuSeconds)
    {
        await CreditCalls.OpenAsync(api, "survey", 100m);
        using var submit = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, """{"tool":"sleep","params":{"seconds":60},"workspace":"survey"}""");
        var job = (await ApiServer.ReadAsync(submit, RestJsonContext.Default.JobDto))!;
        var running = await JobWalker.RunAsync(api.Ledger, job.Id, JobWalker.Node);
        clock.Advance(ran);
        await api.Ledger.FinishAsync(job.Id, running.Fence, new EdgeJobs.Coordinator.Ledger.FinishReport(EdgeJobs.Coordinator.Ledger.FinishOutcome.Succeeded, CpuSeconds: cpuSeconds));
        return job;
    }

    private static async Task<JobDto> SubmitPaidAsync(ApiServer api, string workspace)
    {
        using var submit = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, $$"""{"tool":"sleep","params":{"seconds":1},"workspace":"{{workspace}}"}""");
        return submit.StatusCode == HttpStatusCode.Accepted
            ? (await ApiServer.ReadAsync(submit, RestJsonContext.Default.JobDto))!
            : throw new InvalidOperationException($"submit answered {(int)submit.StatusCode}: {await submit.Content.ReadAsStringAsync()}");
    }
}
