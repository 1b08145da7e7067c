using System.Globalization;
using EdgeJobs.Coordinator.Facades.DroneDb;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Facades.DroneDb;

/// <summary>
/// The seed's states are EdgeJobs' read through design §3's table, twice: a task's status (C#) and the list's state
/// filter (SQL). With a task in every job state, marked deleted or not, and one waiting out a retry backoff, every state
/// filter selects exactly the tasks whose status shows that state.
/// </summary>
public class TaskStatesTests
{
    [Test]
    public async Task every_state_filter_selects_exactly_the_tasks_showing_that_state()
    {
        await using var h = await TaskHarness.StartAsync(o => o with { Ledger = o.Ledger with { RetryBaseDelay = TimeSpan.FromHours(1), RetryMaxDelay = TimeSpan.FromHours(2) } });
        var ledger = h.Api.Ledger;
        var expected = new Dictionary<string, string>();
        var seconds = 1;

        async Task<long> NewAsync()
        {
            var task = await h.SubmitAsync(h.Amy, """{"toolId":"sleep","params":{"seconds":""" + seconds++ + "}}");
            return long.Parse(task.TaskId, CultureInfo.InvariantCulture);
        }

        // Partial is the end of a recipe job only, and a task is one tool run; a held job is made by the processing
        // operations' create, never by a task submit (Credits/GeoperaOperationsTests).
        foreach (var state in JobStates.All.Where(s => s is not (JobState.Partial or JobState.Held)))
        {
            var id = await NewAsync();
            await JobWalker.IntoStateAsync(ledger, id, state);
            expected[id.ToString(CultureInfo.InvariantCulture)] = state switch
            {
                JobState.Scheduled => "Enqueued",
                JobState.Running or JobState.StopRequested or JobState.Stopping => "Processing",
                JobState.Completed => "Succeeded",
                JobState.Failed => "Failed",
                _ => "Deleted",
            };
        }

        foreach (var ended in new[] { JobState.Completed, JobState.Failed })
        {
            var id = await NewAsync();
            await JobWalker.IntoStateAsync(ledger, id, ended);
            await ledger.DeleteTaskAsync(id, "amy");
            expected[id.ToString(CultureInfo.InvariantCulture)] = "Deleted";
        }

        var retried = await NewAsync();
        var running = await JobWalker.RunAsync(ledger, retried, JobWalker.Node);
        await ledger.FinishAsync(retried, running.Fence, new FinishReport(FinishOutcome.RetryableFailure, "flaky", "try again"));
        expected[retried.ToString(CultureInfo.InvariantCulture)] = "Scheduled";

        var shown = (await h.ListAsync("?take=200")).ToDictionary(t => t.TaskId, t => t.State);
        await Assert.That(shown).IsEquivalentTo(expected, TUnit.Assertions.Enums.CollectionOrdering.Any); // each task's state; the list's order is another test's
        foreach (var (state, _) in TaskStates.All)
        {
            var filtered = await h.ListAsync($"?take=200&state={state}");
            await Assert.That(filtered.Select(t => t.TaskId)).IsEquivalentTo(expected.Where(e => e.Value == state).Select(e => e.Key).OrderByDescending(id => long.Parse(id, CultureInfo.InvariantCulture)), TUnit.Assertions.Enums.CollectionOrdering.Matching).Because(state);
        }
    }
}
