using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Hosting;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Ledger;

public class LeaseTests
{
    private static readonly string[] s_sleep = ["sleep"];

    [Test]
    public async Task a_grant_is_an_offer_and_the_job_runs_only_once_the_agent_accepts()
    {
        await using var f = new LedgerFixture();
        var job = await f.SubmitAsync();

        var leases = await f.Ledger.GrantAsync(LedgerFixture.Node, s_sleep);

        await Assert.That(leases.Count).IsEqualTo(1);
        var offered = await f.Ledger.GetJobAsync(job.Id);
        await Assert.That(offered!.JobState).IsEqualTo(JobState.Scheduled);
        await Assert.That(offered.LeaseNodeId).IsEqualTo(LedgerFixture.Node);
        await Assert.That((await f.Ledger.GrantAsync(LedgerFixture.OtherNode, s_sleep)).Count).IsEqualTo(0);

        var accepted = await f.Ledger.AcceptAsync(job.Id, leases[0].Fence, LedgerFixture.Node);

        await Assert.That(accepted.State).IsEqualTo(JobState.Running);
        await Assert.That(accepted.Job!.Attempt).IsEqualTo(1);
        await Assert.That(accepted.Job.NodeId).IsEqualTo(LedgerFixture.Node);
    }

    [Test]
    public async Task grants_go_highest_priority_first_then_oldest_and_only_for_tools_the_agent_has()
    {
        await using var f = new LedgerFixture();
        var low = await f.Ledger.SubmitAsync(LedgerFixture.Job(priority: 0));
        var high = await f.Ledger.SubmitAsync(LedgerFixture.Job(priority: 5));
        var other = await f.Ledger.SubmitAsync(LedgerFixture.Job(tool: "info", priority: 9));
        var lowLater = await f.Ledger.SubmitAsync(LedgerFixture.Job(priority: 0));

        var leases = await f.Ledger.GrantAsync(LedgerFixture.Node, s_sleep, count: 10);

        await Assert.That(leases.Select(l => l.JobId).ToArray()).IsEquivalentTo(new[] { high.Id, low.Id, lowLater.Id }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That((await f.Ledger.GetJobAsync(other.Id))!.LeaseNodeId).IsNull();
    }

    [Test]
    public async Task an_offer_that_is_never_accepted_expires_and_can_go_to_another_agent_without_using_an_attempt()
    {
        await using var f = new LedgerFixture();
        var job = await f.SubmitAsync();
        var first = (await f.Ledger.GrantAsync(LedgerFixture.Node, s_sleep))[0];

        f.Clock.Advance(f.Ledger.Options.OfferTtl + TimeSpan.FromSeconds(1));
        await f.Ledger.ExpireLeasesAsync();
        var second = (await f.Ledger.GrantAsync(LedgerFixture.OtherNode, s_sleep))[0];

        await Assert.That(second.Fence).IsGreaterThan(first.Fence);
        await Assert.That(second.Attempt).IsEqualTo(1);
        var late = await f.Ledger.AcceptAsync(job.Id, first.Fence, LedgerFixture.Node);
        await Assert.That(late.Outcome).IsEqualTo(TransitionOutcome.Fenced);
    }

    [Test]
    public async Task a_rejected_offer_is_withdrawn_at_once()
    {
        await using var f = new LedgerFixture();
        await f.SubmitAsync();
        var lease = (await f.Ledger.GrantAsync(LedgerFixture.Node, s_sleep))[0];

        var rejected = await f.Ledger.RejectAsync(lease.JobId, lease.Fence);

        await Assert.That(rejected.Outcome).IsEqualTo(TransitionOutcome.Ok);
        await Assert.That((await f.Ledger.GrantAsync(LedgerFixture.OtherNode, s_sleep)).Count).IsEqualTo(1);
    }

    [Test]
    public async Task a_stop_while_offered_ends_stopped_and_the_late_accept_sees_the_conflict()
    {
        await using var f = new LedgerFixture();
        var job = await f.SubmitAsync();
        var lease = (await f.Ledger.GrantAsync(LedgerFixture.Node, s_sleep))[0];

        var stopped = await f.Ledger.StopAsync(job.Id);
        var accept = await f.Ledger.AcceptAsync(job.Id, lease.Fence, LedgerFixture.Node);

        await Assert.That(stopped.State).IsEqualTo(JobState.Stopped);
        await Assert.That(accept.Outcome).IsEqualTo(TransitionOutcome.Conflict);
        await Assert.That(accept.State).IsEqualTo(JobState.Stopped);
    }

    [Test]
    public async Task an_agent_cut_off_past_its_lease_cannot_overwrite_the_replacements_result()
    {
        await using var f = new LedgerFixture();
        var job = await f.SubmitAsync();
        var stale = await f.RunningAsync(job.Id, LedgerFixture.Node);
        f.Clock.Advance(f.Ledger.Options.LeaseTtl + TimeSpan.FromSeconds(1));
        await f.Ledger.ExpireLeasesAsync();
        f.Clock.Advance(f.Ledger.Options.RetryMaxDelay);
        var replacement = await f.RunningAsync(job.Id, LedgerFixture.OtherNode);

        var lateRenew = await f.Ledger.RenewAsync(job.Id, stale.Fence);
        var lateLog = await f.Ledger.AppendLogAsync(job.Id, stale.Fence, ["from the old agent"]);
        var lateFinish = await f.Ledger.FinishAsync(job.Id, stale.Fence, new FinishReport(FinishOutcome.FatalFailure, "late", "late"));
        var finish = await f.Ledger.FinishAsync(job.Id, replacement.Fence, new FinishReport(FinishOutcome.Succeeded));

        await Assert.That(lateRenew.Outcome).IsEqualTo(TransitionOutcome.Fenced);
        await Assert.That(lateLog.Outcome).IsEqualTo(TransitionOutcome.Fenced);
        await Assert.That(lateFinish.Outcome).IsEqualTo(TransitionOutcome.Fenced);
        await Assert.That(finish.State).IsEqualTo(JobState.Completed);
        var events = await f.Ledger.GetEventsAsync(job.Id);
        await Assert.That(events.Count(e => e.Reason == (int)EventReason.Succeeded)).IsEqualTo(1);
        await Assert.That(events.Select(e => e.Seq).ToArray()).IsEquivalentTo(Enumerable.Range(1, events.Count).Select(i => (long)i).ToArray(), TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task a_retryable_failure_requeues_with_capped_backoff_and_jitter()
    {
        await using var f = new LedgerFixture();
        var job = await f.SubmitAsync(maxAttempts: 3);
        var running = await f.RunningAsync(job.Id);

        var failed = await f.Ledger.FinishAsync(job.Id, running.Fence, new FinishReport(FinishOutcome.RetryableFailure, "io", "disk hiccup"));

        await Assert.That(failed.State).IsEqualTo(JobState.Scheduled);
        var delay = failed.Job!.NotBefore - f.Ledger.Now();
        var baseMs = (long)f.Ledger.Options.RetryBaseDelay.TotalMilliseconds;
        await Assert.That(delay).IsBetween(baseMs / 2, baseMs);
        await Assert.That(failed.Job.ErrorCode).IsEqualTo("io");
        await Assert.That((await f.Ledger.GrantAsync(LedgerFixture.Node, s_sleep)).Count).IsEqualTo(0);

        f.Clock.Advance(TimeSpan.FromMilliseconds(delay));
        await Assert.That((await f.Ledger.GrantAsync(LedgerFixture.OtherNode, s_sleep)).Count).IsEqualTo(1);
    }

    [Test]
    public async Task backoff_doubles_per_attempt_and_is_capped()
    {
        var b = TimeSpan.FromSeconds(2);
        var max = TimeSpan.FromMinutes(5);
        await Assert.That(Backoff.Delay(1, b, max, 1.0)).IsEqualTo(TimeSpan.FromSeconds(2));
        await Assert.That(Backoff.Delay(3, b, max, 1.0)).IsEqualTo(TimeSpan.FromSeconds(8));
        await Assert.That(Backoff.Delay(3, b, max, 0.0)).IsEqualTo(TimeSpan.FromSeconds(4));
        await Assert.That(Backoff.Delay(40, b, max, 1.0)).IsEqualTo(max);
    }

    [Test]
    public async Task a_successful_retry_clears_the_previous_error()
    {
        await using var f = new LedgerFixture();
        var job = await f.SubmitAsync(maxAttempts: 2);
        var first = await f.RunningAsync(job.Id);
        await f.Ledger.FinishAsync(job.Id, first.Fence, new FinishReport(FinishOutcome.RetryableFailure, "io", "disk hiccup"));
        f.Clock.Advance(f.Ledger.Options.RetryMaxDelay);
        var second = await f.RunningAsync(job.Id, LedgerFixture.OtherNode);

        var done = await f.Ledger.FinishAsync(job.Id, second.Fence, new FinishReport(FinishOutcome.Succeeded));

        await Assert.That(done.State).IsEqualTo(JobState.Completed);
        await Assert.That(done.Job!.ErrorCode).IsNull();
        await Assert.That(done.Job.Attempt).IsEqualTo(2);
    }

    [Test]
    public async Task attempts_are_bounded_retryable_failures_end_failed_on_the_last_one()
    {
        await using var f = new LedgerFixture();
        var job = await f.SubmitAsync(maxAttempts: 2);
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var running = await f.RunningAsync(job.Id);
            var result = await f.Ledger.FinishAsync(job.Id, running.Fence, new FinishReport(FinishOutcome.RetryableFailure, "io", "again"));
            await Assert.That(result.State).IsEqualTo(attempt < 2 ? JobState.Scheduled : JobState.Failed);
            f.Clock.Advance(f.Ledger.Options.RetryMaxDelay);
        }

        var final = await f.Ledger.GetJobAsync(job.Id);
        await Assert.That(final!.ErrorRetryable).IsEqualTo(1);
    }

    [Test]
    public async Task a_fatal_failure_is_never_retried()
    {
        await using var f = new LedgerFixture();
        var job = await f.SubmitAsync(maxAttempts: 5);
        var running = await f.RunningAsync(job.Id);

        var result = await f.Ledger.FinishAsync(job.Id, running.Fence, new FinishReport(FinishOutcome.FatalFailure, "bad_input", "not a raster"));

        await Assert.That(result.State).IsEqualTo(JobState.Failed);
        await Assert.That(result.Job!.ErrorRetryable).IsEqualTo(0);
    }

    [Test]
    public async Task a_lease_lost_on_the_last_attempt_fails_the_job_with_lease_lost()
    {
        await using var f = new LedgerFixture();
        var job = await f.SubmitAsync(maxAttempts: 1);
        await f.RunningAsync(job.Id);
        f.Clock.Advance(f.Ledger.Options.LeaseTtl + TimeSpan.FromSeconds(1));

        await f.Ledger.ExpireLeasesAsync();

        var failed = await f.Ledger.GetJobAsync(job.Id);
        await Assert.That(failed!.JobState).IsEqualTo(JobState.Failed);
        await Assert.That(failed.ErrorCode).IsEqualTo("lease_lost");
    }

    [Test]
    public async Task a_renewal_tells_the_agent_a_stop_was_requested()
    {
        await using var f = new LedgerFixture();
        var job = await f.InStateAsync(JobState.Running);
        await f.Ledger.StopAsync(job.Id);

        var renewed = await f.Ledger.RenewAsync(job.Id, job.Fence);

        await Assert.That(renewed.Outcome).IsEqualTo(TransitionOutcome.Ok);
        await Assert.That(renewed.State).IsEqualTo(JobState.StopRequested);
    }

    [Test]
    public async Task a_draining_agent_hands_a_job_back_for_immediate_regrant()
    {
        await using var f = new LedgerFixture();
        var job = await f.InStateAsync(JobState.Running);

        var handed = await f.Ledger.FinishAsync(job.Id, job.Fence, new FinishReport(FinishOutcome.Stopped));

        await Assert.That(handed.State).IsEqualTo(JobState.Scheduled);
        await Assert.That((await f.Ledger.GrantAsync(LedgerFixture.OtherNode, s_sleep)).Count).IsEqualTo(1);
    }
}
