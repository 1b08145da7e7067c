using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Testing;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Tests.Ledger;

public class LogTests
{
    [Test]
    public async Task the_log_cursor_only_moves_forward_across_retries()
    {
        await using var f = new LedgerFixture();
        var job = await f.SubmitAsync(maxAttempts: 2);
        var first = await f.RunningAsync(job.Id);
        await f.Ledger.AppendLogAsync(job.Id, first.Fence, ["a1", "a2"]);
        var page1 = await f.Ledger.ReadLogAsync(job.Id, 0);
        await f.Ledger.FinishAsync(job.Id, first.Fence, new FinishReport(FinishOutcome.RetryableFailure, "io", "x"));
        f.Clock.Advance(f.Ledger.Options.RetryMaxDelay);
        var second = await f.RunningAsync(job.Id);
        await f.Ledger.AppendLogAsync(job.Id, second.Fence, ["b1"]);

        var page2 = await f.Ledger.ReadLogAsync(job.Id, page1!.Cursor);

        await Assert.That(page1.Lines).IsEquivalentTo(new[] { "a1", "a2" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(page1.Cursor).IsEqualTo(2);
        await Assert.That(page2!.Lines).IsEquivalentTo(new[] { "b1" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(page2.Cursor).IsEqualTo(3);
        var empty = await f.Ledger.ReadLogAsync(job.Id, page2.Cursor);
        await Assert.That(empty!.Cursor).IsEqualTo(3);
        await Assert.That(empty.Lines.Count).IsEqualTo(0);
    }

    [Test]
    public async Task lines_resent_after_a_lost_acknowledgement_are_stored_once_and_a_new_attempt_numbers_afresh()
    {
        await using var f = new LedgerFixture();
        var job = await f.SubmitAsync(maxAttempts: 2);
        var first = await f.RunningAsync(job.Id);

        await f.Ledger.AppendLogAsync(job.Id, first.Fence, ["a1", "a2", "a3"], firstAgentSeq: 1);
        // The acknowledgement was lost: the agent resends 1..3 with two new lines.
        await f.Ledger.AppendLogAsync(job.Id, first.Fence, ["a1", "a2", "a3", "a4", "a5"], firstAgentSeq: 1);
        // Acknowledged up to 5; an older report arriving late changes nothing.
        await f.Ledger.AppendLogAsync(job.Id, first.Fence, ["a4"], firstAgentSeq: 4);
        // The final lines repeat the unacknowledged tail.
        await f.Ledger.FinishWithLogAsync(job.Id, first.Fence, ["a5", "a6"], new FinishReport(FinishOutcome.RetryableFailure, "io", "x"), firstLogSeq: 5);
        f.Clock.Advance(f.Ledger.Options.RetryMaxDelay);
        var second = await f.RunningAsync(job.Id);
        await f.Ledger.AppendLogAsync(job.Id, second.Fence, ["b1"], firstAgentSeq: 1);
        // An agent that does not number its lines: stored as they come.
        await f.Ledger.AppendLogAsync(job.Id, second.Fence, ["b2", "b2"]);

        var log = await f.Ledger.ReadLogAsync(job.Id, 0);

        await Assert.That(log!.Lines).IsEquivalentTo(new[] { "a1", "a2", "a3", "a4", "a5", "a6", "b1", "b2", "b2" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task old_lines_beyond_the_kept_window_are_counted_as_truncated_from_tail()
    {
        await using var f = new LedgerFixture(new LedgerOptions { Durable = false, LogLinesKept = 5 });
        var job = await f.InStateAsync(JobState.Running);
        await f.Ledger.AppendLogAsync(job.Id, job.Fence, [.. Enumerable.Range(1, 12).Select(i => $"line {i}")]);

        var page = await f.Ledger.ReadLogAsync(job.Id, 0);

        await Assert.That(page!.TruncatedFromTail).IsEqualTo(7);
        await Assert.That(page.Lines).IsEquivalentTo(new[] { "line 8", "line 9", "line 10", "line 11", "line 12" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(page.Cursor).IsEqualTo(12);
        await Assert.That((await f.Ledger.LogTailAsync(job.Id, 2)).ToArray()).IsEquivalentTo(new[] { "line 11", "line 12" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task log_lines_are_refused_from_an_agent_without_the_lease()
    {
        await using var f = new LedgerFixture();
        var done = await f.InStateAsync(JobState.Completed);

        var late = await f.Ledger.AppendLogAsync(done.Id, done.Fence, ["too late"]);

        await Assert.That(late.Outcome).IsEqualTo(TransitionOutcome.Conflict);
        await Assert.That((await f.Ledger.ReadLogAsync(done.Id, 0))!.Lines.Count).IsEqualTo(0);
    }
}
