using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Testing;

/// <summary>Walks a scheduled job into any state through the ledger's own operations (no SQL shortcuts).</summary>
public static class JobWalker
{
    public const long Node = 1;

    public static async Task<JobRow> IntoStateAsync(JobLedger ledger, long jobId, JobState state)
    {
        switch (state)
        {
            case JobState.Scheduled:
                return (await ledger.GetJobAsync(jobId))!;
            case JobState.Stopped:
                return Expect(await ledger.StopAsync(jobId));
            case JobState.Partial:
                return await PartialAsync(ledger, jobId);
            case JobState.Held:
                return await HeldAsync(ledger, jobId);
        }

        var running = await RunAsync(ledger, jobId, Node);
        return state switch
        {
            JobState.Running => running,
            JobState.StopRequested => Expect(await ledger.StopAsync(jobId)),
            JobState.Stopping => await StoppingAsync(ledger, jobId, running.Fence),
            JobState.Completed => Expect(await ledger.FinishAsync(jobId, running.Fence, new FinishReport(FinishOutcome.Succeeded))),
            JobState.Failed => Expect(await ledger.FinishAsync(jobId, running.Fence, new FinishReport(FinishOutcome.FatalFailure, "boom", "fatal"))),
            _ => throw new ArgumentOutOfRangeException(nameof(state)),
        };
    }

    /// <summary>
    /// Only a recipe job ends partial: <paramref name="jobId"/> is completed and deleted, and in its place (same owner
    /// and org) a recipe job of two independent steps runs, one failing (allowed to) and one completing.
    /// </summary>
    private static async Task<JobRow> PartialAsync(JobLedger ledger, long jobId)
    {
        var job = await IntoStateAsync(ledger, jobId, JobState.Completed);
        Expect(await ledger.DeleteAsync(jobId));
        var recipe = RecipeJobs.Of(RecipeJobs.Recipe(RecipeJobs.Sleep("may_fail", "\"continue_on_failure\":true"), RecipeJobs.Sleep("works")), owner: job.Owner, org: job.Org);
        var recipeJob = await RecipeJobs.SubmitAsync(ledger, recipe);
        foreach (var (step, outcome) in new[] { ("may_fail", FinishOutcome.FatalFailure), ("works", FinishOutcome.Succeeded) })
        {
            var stepJob = (await RecipeJobs.StepJobAsync(ledger, recipeJob.Id, step))!;
            var running = await RunAsync(ledger, stepJob.Id, Node);
            Expect(await ledger.FinishAsync(stepJob.Id, running.Fence, new FinishReport(outcome, outcome == FinishOutcome.Succeeded ? null : "boom", "on purpose")));
        }

        return (await ledger.GetJobAsync(recipeJob.Id))!;
    }

    /// <summary>
    /// Only a submit makes a held job: <paramref name="jobId"/> is completed and deleted, and in its place a job of the
    /// same tool, params, owner and org is submitted held.
    /// </summary>
    private static async Task<JobRow> HeldAsync(JobLedger ledger, long jobId)
    {
        var job = await IntoStateAsync(ledger, jobId, JobState.Completed);
        Expect(await ledger.DeleteAsync(jobId));
        return await ledger.SubmitAsync(new NewJob
        {
            Tool = job.Tool, ToolVersion = job.ToolVersion, Params = job.Params, Owner = job.Owner, Org = job.Org, InitialState = JobState.Held,
        });
    }

    public static async Task<JobRow> RunAsync(JobLedger ledger, long jobId, long node)
    {
        var (granted, lease) = await ledger.GrantJobAsync(jobId, node);
        Expect(granted);
        return Expect(await ledger.AcceptAsync(jobId, lease!.Fence, node));
    }

    private static async Task<JobRow> StoppingAsync(JobLedger ledger, long jobId, long fence)
    {
        Expect(await ledger.StopAsync(jobId));
        return Expect(await ledger.AcknowledgeStopAsync(jobId, fence));
    }

    private static JobRow Expect(Transition t) =>
        t.IsOk ? t.Job! : throw new InvalidOperationException($"setup transition failed: {t.Outcome} {t.State}");
}
