using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Ledger;

/// <summary>
/// Every state × every operation through a real ledger file: the transition or refusal that README "Jobs and their states" and Ledger/JobRules.cs give.
/// Each case starts from a job walked into the state by the ledger's own operations.
/// </summary>
public class StateTableTests
{
    [Test]
    [Arguments(JobState.Scheduled, JobState.Stopped)]
    [Arguments(JobState.Running, JobState.StopRequested)]
    [Arguments(JobState.StopRequested, JobState.StopRequested)]
    [Arguments(JobState.Stopping, JobState.Stopping)]
    [Arguments(JobState.Stopped, JobState.Stopped)]
    [Arguments(JobState.Completed, JobState.Completed)]
    [Arguments(JobState.Failed, JobState.Failed)]
    public async Task stop_moves_or_keeps_the_state_and_always_answers_ok(JobState from, JobState expected)
    {
        await using var f = new LedgerFixture();
        var job = await f.InStateAsync(from);
        var eventsBefore = (await f.Ledger.GetEventsAsync(job.Id)).Count;

        var result = await f.Ledger.StopAsync(job.Id);

        await Assert.That(result.Outcome).IsEqualTo(TransitionOutcome.Ok);
        await Assert.That(result.State).IsEqualTo(expected);
        var after = await f.Ledger.GetJobAsync(job.Id);
        await Assert.That(after!.JobState).IsEqualTo(expected);
        var events = await f.Ledger.GetEventsAsync(job.Id);
        await Assert.That(events.Count).IsEqualTo(from == expected ? eventsBefore : eventsBefore + 1);
    }

    [Test]
    [Arguments(JobState.Scheduled, TransitionOutcome.Conflict)]
    [Arguments(JobState.Running, TransitionOutcome.Conflict)]
    [Arguments(JobState.StopRequested, TransitionOutcome.Conflict)]
    [Arguments(JobState.Stopping, TransitionOutcome.Conflict)]
    [Arguments(JobState.Stopped, TransitionOutcome.Ok)]
    [Arguments(JobState.Completed, TransitionOutcome.Ok)]
    [Arguments(JobState.Failed, TransitionOutcome.Ok)]
    public async Task delete_removes_terminal_jobs_and_refuses_active_ones_naming_their_state(JobState from, TransitionOutcome expected)
    {
        await using var f = new LedgerFixture();
        var job = await f.InStateAsync(from);

        var result = await f.Ledger.DeleteAsync(job.Id);

        await Assert.That(result.Outcome).IsEqualTo(expected);
        await Assert.That(result.State).IsEqualTo(from);
        var after = await f.Ledger.GetJobAsync(job.Id);
        if (expected == TransitionOutcome.Ok)
        {
            await Assert.That(after).IsNull();
            await Assert.That((await f.Ledger.GetEventsAsync(job.Id)).Count).IsEqualTo(0);
        }
        else
        {
            await Assert.That(after!.JobState).IsEqualTo(from);
        }
    }

    [Test]
    public async Task delete_of_an_absent_job_is_not_found()
    {
        await using var f = new LedgerFixture();
        await Assert.That((await f.Ledger.DeleteAsync(4242)).Outcome).IsEqualTo(TransitionOutcome.NotFound);
        await Assert.That((await f.Ledger.StopAsync(4242)).Outcome).IsEqualTo(TransitionOutcome.NotFound);
    }

    [Test]
    [Arguments("terminal")]
    [Arguments("completed")]
    [Arguments("stopped")]
    [Arguments("failed")]
    public async Task bulk_delete_removes_exactly_the_named_terminal_states(string filter)
    {
        await using var f = new LedgerFixture();
        var byState = new Dictionary<JobState, long>();
        foreach (var state in JobStates.All)
        {
            byState[state] = (await f.InStateAsync(state)).Id;
        }

        var targets = filter == "terminal" ? JobStates.Terminal : [JobStates.All.Single(s => s.Name() == filter)];
        var deleted = await f.Ledger.DeleteByStateAsync(targets, org: null);

        await Assert.That(deleted.Ids.Count).IsEqualTo(targets.Length);
        foreach (var (state, id) in byState)
        {
            var exists = await f.Ledger.GetJobAsync(id) is not null;
            await Assert.That(exists).IsEqualTo(!targets.Contains(state));
        }
    }

    [Test]
    public async Task bulk_delete_refuses_active_states_before_touching_anything()
    {
        await using var f = new LedgerFixture();
        var done = await f.InStateAsync(JobState.Completed);
        await Assert.That(async () => { await f.Ledger.DeleteByStateAsync([JobState.Completed, JobState.Running], org: null); }).Throws<ArgumentException>();
        await Assert.That(await f.Ledger.GetJobAsync(done.Id)).IsNotNull();
    }

    [Test]
    public async Task cleanup_removes_only_terminal_jobs_older_than_the_cutoff()
    {
        await using var f = new LedgerFixture();
        var old = new Dictionary<JobState, long>();
        foreach (var state in JobStates.All)
        {
            old[state] = (await f.InStateAsync(state)).Id;
        }

        f.Clock.Advance(TimeSpan.FromHours(2));
        var recent = await f.InStateAsync(JobState.Completed);

        var deleted = await f.Ledger.CleanupAsync(TimeSpan.FromHours(1), JobStates.Terminal, org: null);

        await Assert.That(deleted.Ids.Count).IsEqualTo(JobStates.Terminal.Length);
        await Assert.That(await f.Ledger.GetJobAsync(recent.Id)).IsNotNull();
        foreach (var (state, id) in old)
        {
            await Assert.That(await f.Ledger.GetJobAsync(id) is null).IsEqualTo(state.IsTerminal());
        }
    }

    [Test]
    [Arguments(JobState.Scheduled, TransitionOutcome.Ok)]
    [Arguments(JobState.Running, TransitionOutcome.Conflict)]
    [Arguments(JobState.StopRequested, TransitionOutcome.Conflict)]
    [Arguments(JobState.Stopping, TransitionOutcome.Conflict)]
    [Arguments(JobState.Stopped, TransitionOutcome.Conflict)]
    [Arguments(JobState.Completed, TransitionOutcome.Conflict)]
    [Arguments(JobState.Failed, TransitionOutcome.Conflict)]
    public async Task grant_offers_only_scheduled_jobs_with_a_new_fence(JobState from, TransitionOutcome expected)
    {
        await using var f = new LedgerFixture();
        var job = await f.InStateAsync(from);

        var (result, lease) = await f.Ledger.GrantJobAsync(job.Id, LedgerFixture.OtherNode);

        await Assert.That(result.Outcome).IsEqualTo(expected);
        await Assert.That(result.State).IsEqualTo(from);
        if (expected == TransitionOutcome.Ok)
        {
            await Assert.That(lease!.Fence).IsEqualTo(job.Fence + 1);
            await Assert.That(lease.Attempt).IsEqualTo(1);
        }
        else
        {
            await Assert.That(lease).IsNull();
        }
    }

    [Test]
    [Arguments(JobState.Scheduled, TransitionOutcome.Conflict)]
    [Arguments(JobState.Running, TransitionOutcome.Ok)]
    [Arguments(JobState.StopRequested, TransitionOutcome.Ok)]
    [Arguments(JobState.Stopping, TransitionOutcome.Ok)]
    [Arguments(JobState.Stopped, TransitionOutcome.Conflict)]
    [Arguments(JobState.Completed, TransitionOutcome.Conflict)]
    [Arguments(JobState.Failed, TransitionOutcome.Conflict)]
    public async Task renew_extends_only_a_held_lease(JobState from, TransitionOutcome expected)
    {
        await using var f = new LedgerFixture();
        var job = await f.InStateAsync(from);
        f.Clock.Advance(TimeSpan.FromSeconds(5));

        var result = await f.Ledger.RenewAsync(job.Id, job.Fence, new ProgressReport(40, "working"));

        await Assert.That(result.Outcome).IsEqualTo(expected);
        await Assert.That(result.State).IsEqualTo(from);
        if (expected == TransitionOutcome.Ok)
        {
            await Assert.That(result.Job!.LeaseExpiresAt).IsEqualTo(f.Ledger.Now() + (long)f.Ledger.Options.LeaseTtl.TotalMilliseconds);
            await Assert.That(result.Job.ProgressPercent).IsEqualTo(40);
        }
    }

    [Test]
    [Arguments(JobState.Scheduled, TransitionOutcome.Conflict, JobState.Scheduled)]
    [Arguments(JobState.Running, TransitionOutcome.Ok, JobState.Completed)]
    [Arguments(JobState.StopRequested, TransitionOutcome.Ok, JobState.Completed)]
    [Arguments(JobState.Stopping, TransitionOutcome.Ok, JobState.Completed)]
    [Arguments(JobState.Stopped, TransitionOutcome.Conflict, JobState.Stopped)]
    [Arguments(JobState.Completed, TransitionOutcome.Conflict, JobState.Completed)]
    [Arguments(JobState.Failed, TransitionOutcome.Conflict, JobState.Failed)]
    public async Task finish_with_success_completes_only_a_held_lease(JobState from, TransitionOutcome expected, JobState after)
    {
        await using var f = new LedgerFixture();
        var job = await f.InStateAsync(from);

        var result = await f.Ledger.FinishAsync(job.Id, job.Fence, new FinishReport(FinishOutcome.Succeeded));

        await Assert.That(result.Outcome).IsEqualTo(expected);
        await Assert.That((await f.Ledger.GetJobAsync(job.Id))!.JobState).IsEqualTo(after);
    }

    [Test]
    [Arguments(JobState.Running, JobState.Stopped)]
    [Arguments(JobState.StopRequested, JobState.Stopped)]
    [Arguments(JobState.Stopping, JobState.Stopped)]
    public async Task finish_reporting_stopped_ends_a_stop_in_stopped_and_hands_back_a_running_job(JobState from, JobState expectedIfStopping)
    {
        await using var f = new LedgerFixture();
        var job = await f.InStateAsync(from);

        var result = await f.Ledger.FinishAsync(job.Id, job.Fence, new FinishReport(FinishOutcome.Stopped));

        await Assert.That(result.Outcome).IsEqualTo(TransitionOutcome.Ok);
        var expected = from == JobState.Running ? JobState.Scheduled : expectedIfStopping;
        await Assert.That(result.State).IsEqualTo(expected);
    }

    [Test]
    [Arguments(JobState.Scheduled, JobState.Scheduled)]
    [Arguments(JobState.Running, JobState.Scheduled)]
    [Arguments(JobState.StopRequested, JobState.Stopped)]
    [Arguments(JobState.Stopping, JobState.Stopped)]
    [Arguments(JobState.Stopped, JobState.Stopped)]
    [Arguments(JobState.Completed, JobState.Completed)]
    [Arguments(JobState.Failed, JobState.Failed)]
    public async Task expiry_requeues_running_jobs_and_ends_stops_in_stopped(JobState from, JobState expected)
    {
        await using var f = new LedgerFixture();
        var job = await f.InStateAsync(from);
        f.Clock.Advance(f.Ledger.Options.LeaseTtl + TimeSpan.FromSeconds(1));

        var changed = await f.Ledger.ExpireLeasesAsync();

        await Assert.That(changed).IsEqualTo(from == expected ? 0 : 1);
        var after = await f.Ledger.GetJobAsync(job.Id);
        await Assert.That(after!.JobState).IsEqualTo(expected);
        await Assert.That(after.LeaseNodeId).IsNull();
    }

    [Test]
    [Arguments(JobState.Scheduled, TransitionOutcome.Conflict)]
    [Arguments(JobState.Running, TransitionOutcome.Conflict)]
    [Arguments(JobState.StopRequested, TransitionOutcome.Ok)]
    [Arguments(JobState.Stopping, TransitionOutcome.Ok)]
    [Arguments(JobState.Stopped, TransitionOutcome.Conflict)]
    [Arguments(JobState.Completed, TransitionOutcome.Conflict)]
    [Arguments(JobState.Failed, TransitionOutcome.Conflict)]
    public async Task acknowledging_a_stop_moves_stop_requested_to_stopping(JobState from, TransitionOutcome expected)
    {
        await using var f = new LedgerFixture();
        var job = await f.InStateAsync(from);

        var result = await f.Ledger.AcknowledgeStopAsync(job.Id, job.Fence);

        await Assert.That(result.Outcome).IsEqualTo(expected);
        if (expected == TransitionOutcome.Ok)
        {
            await Assert.That(result.State).IsEqualTo(JobState.Stopping);
        }
    }
}
