using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Tests.Ledger;

/// <summary>
/// The integers stored in the ledger must never change meaning: an old ledger file read by a newer
/// binary would silently misreport every job. Add new members with new numbers; never renumber.
/// </summary>
public class PersistedNumbersTests
{
    [Test]
    [Arguments(JobState.Scheduled, 1, "scheduled", false)]
    [Arguments(JobState.Running, 2, "running", false)]
    [Arguments(JobState.StopRequested, 3, "stop_requested", false)]
    [Arguments(JobState.Stopping, 4, "stopping", false)]
    [Arguments(JobState.Stopped, 5, "stopped", true)]
    [Arguments(JobState.Completed, 6, "completed", true)]
    [Arguments(JobState.Failed, 7, "failed", true)]
    [Arguments(JobState.Partial, 8, "partial", true)]
    [Arguments(JobState.Held, 9, "held", false)]
    public async Task job_state_numbers_names_and_terminal_flags_are_frozen(JobState state, int number, string name, bool terminal)
    {
        await Assert.That((int)state).IsEqualTo(number);
        await Assert.That(state.Name()).IsEqualTo(name);
        await Assert.That(state.IsTerminal()).IsEqualTo(terminal);
    }

    [Test]
    public async Task there_are_exactly_nine_job_states() =>
        await Assert.That(Enum.GetValues<JobState>().Length).IsEqualTo(9);

    [Test]
    [Arguments(StepState.Pending, 1, "pending", false)]
    [Arguments(StepState.Running, 2, "running", false)]
    [Arguments(StepState.Completed, 3, "completed", true)]
    [Arguments(StepState.Failed, 4, "failed", true)]
    [Arguments(StepState.Skipped, 5, "skipped", true)]
    public async Task step_state_numbers_names_and_end_flags_are_frozen(StepState state, int number, string name, bool ended)
    {
        await Assert.That((int)state).IsEqualTo(number);
        await Assert.That(state.Name()).IsEqualTo(name);
        await Assert.That(state.IsEnded()).IsEqualTo(ended);
        await Assert.That(Enum.GetValues<StepState>().Length).IsEqualTo(5);
    }

    [Test]
    [Arguments(EventReason.Submitted, 1, "submitted")]
    [Arguments(EventReason.Accepted, 2, "accepted")]
    [Arguments(EventReason.Succeeded, 3, "succeeded")]
    [Arguments(EventReason.RetryableFailure, 4, "retryable_failure")]
    [Arguments(EventReason.FatalFailure, 5, "fatal_failure")]
    [Arguments(EventReason.LeaseExpired, 6, "lease_expired")]
    [Arguments(EventReason.StopRequested, 7, "stop_requested")]
    [Arguments(EventReason.StopAcknowledged, 8, "stop_acknowledged")]
    [Arguments(EventReason.Stopped, 9, "stopped")]
    [Arguments(EventReason.TimedOut, 10, "timed_out")]
    [Arguments(EventReason.HandedBack, 11, "handed_back")]
    [Arguments(EventReason.StepsEnded, 12, "steps_ended")]
    [Arguments(EventReason.Dispatched, 13, "dispatched")]
    public async Task event_reason_numbers_and_names_are_frozen(EventReason reason, int number, string name)
    {
        await Assert.That((int)reason).IsEqualTo(number);
        await Assert.That(reason.Name()).IsEqualTo(name);
    }
}
