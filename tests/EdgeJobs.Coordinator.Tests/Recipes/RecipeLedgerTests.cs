using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Testing;
using static EdgeJobs.Testing.RecipeJobs;

namespace EdgeJobs.Coordinator.Tests.Recipes;

/// <summary>
/// A recipe job in the ledger (design §8.3): step jobs are made when their steps become runnable, in the transaction
/// that completed what they wait for; a failure skips what depends on it and, unless the step may fail, stops the rest;
/// the recipe job ends with its last step: completed, failed, partial or stopped.
/// </summary>
public class RecipeLedgerTests
{
    private static readonly FinishReport Success = new(FinishOutcome.Succeeded);
    private static readonly FinishReport Fatal = new(FinishOutcome.FatalFailure, "boom", "it broke");

    private static async Task<JobRow> RunStepAsync(LedgerFixture f, long recipeJobId, string stepId, FinishReport? finish = null, long node = LedgerFixture.Node)
    {
        var stepJob = (await StepJobAsync(f.Ledger, recipeJobId, stepId))!;
        var running = await f.RunningAsync(stepJob.Id, node);
        return finish is null ? running : (await f.Ledger.FinishAsync(stepJob.Id, running.Fence, finish)).Job!;
    }

    private static async Task<Dictionary<string, StepState>> StatesAsync(LedgerFixture f, long recipeJobId) =>
        (await f.Ledger.GetStepsAsync(recipeJobId)).ToDictionary(s => s.Step.StepId, s => s.Step.StepState);

    [Test]
    public async Task a_chain_makes_each_step_job_when_the_one_before_completes_and_ends_completed()
    {
        await using var f = new LedgerFixture();
        var recipe = await SubmitAsync(f.Ledger, Of(Recipe(Sleep("a"), Sleep("b", "\"depends_on\":[\"a\"]"))));

        await Assert.That(recipe.JobState).IsEqualTo(JobState.Scheduled);
        await Assert.That(recipe.Tool).IsEqualTo("recipe");
        await Assert.That(await StepJobAsync(f.Ledger, recipe.Id, "a")).IsNotNull();
        await Assert.That(await StepJobAsync(f.Ledger, recipe.Id, "b")).IsNull();

        await RunStepAsync(f, recipe.Id, "a");
        await Assert.That((await f.Ledger.GetJobAsync(recipe.Id))!.JobState).IsEqualTo(JobState.Running);
        await Assert.That((await StatesAsync(f, recipe.Id))["a"]).IsEqualTo(StepState.Running);

        var a = (await StepJobAsync(f.Ledger, recipe.Id, "a"))!;
        await f.Ledger.FinishAsync(a.Id, a.Fence, Success);
        var b = (await StepJobAsync(f.Ledger, recipe.Id, "b"))!;
        await Assert.That(b.JobState).IsEqualTo(JobState.Scheduled);
        await Assert.That(b.ParentId).IsEqualTo(recipe.Id);
        await Assert.That(b.StepId).IsEqualTo("b");
        var halfway = (await f.Ledger.GetJobAsync(recipe.Id))!;
        await Assert.That(halfway.ProgressPercent).IsEqualTo(50);

        await RunStepAsync(f, recipe.Id, "b", Success);

        var done = (await f.Ledger.GetJobAsync(recipe.Id))!;
        await Assert.That(done.JobState).IsEqualTo(JobState.Completed);
        await Assert.That(done.ProgressPercent).IsEqualTo(100);
        await Assert.That(done.FinishedAt).IsNotNull();
        var events = await f.Ledger.GetEventsAsync(recipe.Id);
        await Assert.That(events.Select(e => (EventReason)e.Reason).ToArray())
            .IsEquivalentTo(new[] { EventReason.Submitted, EventReason.Accepted, EventReason.StepsEnded }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task steps_that_depend_on_nothing_get_step_jobs_at_once_and_may_run_on_different_nodes()
    {
        await using var f = new LedgerFixture();
        var recipe = await SubmitAsync(f.Ledger, Of(Recipe(Sleep("a"), Sleep("b"), Sleep("c", "\"depends_on\":[\"a\",\"b\"]"))));

        var a = await RunStepAsync(f, recipe.Id, "a", node: LedgerFixture.Node);
        var b = await RunStepAsync(f, recipe.Id, "b", node: LedgerFixture.OtherNode);
        await Assert.That(a.NodeId).IsEqualTo(LedgerFixture.Node);
        await Assert.That(b.NodeId).IsEqualTo(LedgerFixture.OtherNode);

        await f.Ledger.FinishAsync(a.Id, a.Fence, Success);
        await Assert.That(await StepJobAsync(f.Ledger, recipe.Id, "c")).IsNull(); // still waits for b
        await f.Ledger.FinishAsync(b.Id, b.Fence, Success);
        await Assert.That(await StepJobAsync(f.Ledger, recipe.Id, "c")).IsNotNull();
    }

    [Test]
    public async Task a_step_that_may_fail_skips_its_dependents_and_the_job_ends_partial_when_independent_work_completed()
    {
        await using var f = new LedgerFixture();
        var recipe = await SubmitAsync(f.Ledger, Of(Recipe(
            Sleep("a"),
            Sleep("b", "\"depends_on\":[\"a\"],\"continue_on_failure\":true"),
            Sleep("c", "\"depends_on\":[\"b\"]"),
            Sleep("d", "\"depends_on\":[\"a\"]"))));

        await RunStepAsync(f, recipe.Id, "a", Success);
        await RunStepAsync(f, recipe.Id, "b", Fatal);
        await Assert.That((await StatesAsync(f, recipe.Id))["c"]).IsEqualTo(StepState.Skipped);
        await Assert.That((await f.Ledger.GetJobAsync(recipe.Id))!.JobState).IsEqualTo(JobState.Running); // d goes on
        await RunStepAsync(f, recipe.Id, "d", Success);

        var done = (await f.Ledger.GetJobAsync(recipe.Id))!;
        await Assert.That(done.JobState).IsEqualTo(JobState.Partial);
        await Assert.That(done.ErrorCode).IsEqualTo("step_failed");
        await Assert.That(done.ErrorMessage).Contains("step 'b' failed: boom");
        var steps = await f.Ledger.GetStepsAsync(recipe.Id);
        await Assert.That(steps.Single(s => s.Step.StepId == "c").Step.ErrorCode).IsEqualTo("dependency_failed");
        await Assert.That(steps.Single(s => s.Step.StepId == "b").Step.ErrorMessage).IsEqualTo("it broke"); // bound after a's null message
    }

    [Test]
    public async Task a_failure_with_nothing_independent_completed_ends_failed_not_partial()
    {
        await using var f = new LedgerFixture();
        var recipe = await SubmitAsync(f.Ledger, Of(Recipe(Sleep("a"), Sleep("b", "\"depends_on\":[\"a\"],\"continue_on_failure\":true"))));

        await RunStepAsync(f, recipe.Id, "a", Success);
        await RunStepAsync(f, recipe.Id, "b", Fatal);

        await Assert.That((await f.Ledger.GetJobAsync(recipe.Id))!.JobState).IsEqualTo(JobState.Failed);
    }

    [Test]
    public async Task a_step_that_must_not_fail_stops_the_running_steps_skips_the_rest_and_fails_the_job()
    {
        await using var f = new LedgerFixture();
        var recipe = await SubmitAsync(f.Ledger, Of(Recipe(Sleep("a"), Sleep("b"), Sleep("c"), Sleep("d", "\"depends_on\":[\"b\"]"))));

        var b = await RunStepAsync(f, recipe.Id, "b");
        await RunStepAsync(f, recipe.Id, "a", Fatal);

        // b's agent is told to stop; c never ran; d never will.
        await Assert.That((await f.Ledger.GetJobAsync(b.Id))!.JobState).IsEqualTo(JobState.StopRequested);
        var states = await StatesAsync(f, recipe.Id);
        await Assert.That(states["c"]).IsEqualTo(StepState.Skipped);
        await Assert.That(states["d"]).IsEqualTo(StepState.Skipped);
        await Assert.That((await f.Ledger.GetJobAsync(recipe.Id))!.JobState).IsEqualTo(JobState.Running);

        await f.Ledger.FinishAsync(b.Id, b.Fence, new FinishReport(FinishOutcome.Stopped));

        var done = (await f.Ledger.GetJobAsync(recipe.Id))!;
        await Assert.That(done.JobState).IsEqualTo(JobState.Failed);
        await Assert.That(done.ErrorMessage).Contains("step 'a' failed");
        await Assert.That((await StatesAsync(f, recipe.Id))["b"]).IsEqualTo(StepState.Failed);
    }

    [Test]
    public async Task stopping_a_recipe_job_skips_pending_steps_stops_step_jobs_and_ends_stopped_when_the_last_one_has()
    {
        await using var f = new LedgerFixture();
        var recipe = await SubmitAsync(f.Ledger, Of(Recipe(Sleep("a"), Sleep("b"), Sleep("c", "\"depends_on\":[\"a\"]"))));
        var a = await RunStepAsync(f, recipe.Id, "a");

        var stop = await f.Ledger.StopAsync(recipe.Id);

        await Assert.That(stop.State).IsEqualTo(JobState.StopRequested);
        await Assert.That((await f.Ledger.GetJobAsync(a.Id))!.JobState).IsEqualTo(JobState.StopRequested);
        var states = await StatesAsync(f, recipe.Id);
        await Assert.That(states["b"]).IsEqualTo(StepState.Skipped); // its job was only scheduled: stopped at once
        await Assert.That(states["c"]).IsEqualTo(StepState.Skipped);

        await f.Ledger.FinishAsync(a.Id, a.Fence, new FinishReport(FinishOutcome.Stopped));

        await Assert.That((await f.Ledger.GetJobAsync(recipe.Id))!.JobState).IsEqualTo(JobState.Stopped);
        await Assert.That((await f.Ledger.StopAsync(recipe.Id)).State).IsEqualTo(JobState.Stopped);
    }

    [Test]
    public async Task stopping_a_recipe_job_nobody_runs_yet_ends_it_stopped_at_once()
    {
        await using var f = new LedgerFixture();
        var recipe = await SubmitAsync(f.Ledger, Of(Recipe(Sleep("a"), Sleep("b", "\"depends_on\":[\"a\"]"))));

        var stop = await f.Ledger.StopAsync(recipe.Id);

        await Assert.That(stop.State).IsEqualTo(JobState.Stopped);
        await Assert.That((await StatesAsync(f, recipe.Id)).Values.Distinct().ToArray()).IsEquivalentTo(new[] { StepState.Skipped }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task a_step_retries_inside_its_step_job_and_stays_running_meanwhile()
    {
        await using var f = new LedgerFixture();
        var recipe = await SubmitAsync(f.Ledger, Of(Recipe(Sleep("a", "\"retry\":{\"max_attempts\":2}"))));
        var a = await RunStepAsync(f, recipe.Id, "a", new FinishReport(FinishOutcome.RetryableFailure, "flaky", "try again"));

        await Assert.That(a.JobState).IsEqualTo(JobState.Scheduled);
        await Assert.That((await StatesAsync(f, recipe.Id))["a"]).IsEqualTo(StepState.Running);

        f.Clock.Advance(TimeSpan.FromMinutes(10)); // past the backoff
        await RunStepAsync(f, recipe.Id, "a", Success);

        await Assert.That((await f.Ledger.GetJobAsync(recipe.Id))!.JobState).IsEqualTo(JobState.Completed);
    }

    [Test]
    public async Task a_step_with_its_own_backoff_waits_it_doubling_to_its_cap_and_others_wait_the_coordinators()
    {
        await using var f = new LedgerFixture();
        var recipe = await SubmitAsync(f.Ledger, Of(Recipe(
            Sleep("own", "\"retry\":{\"max_attempts\":5,\"backoff_s\":60,\"max_backoff_s\":100}"),
            Sleep("plain", "\"retry\":{\"max_attempts\":5}"))));
        var flaky = new FinishReport(FinishOutcome.RetryableFailure, "flaky", "try again");

        // Each wait is in [cap/2, cap]: 60 s, then 100 s (120 capped), then 100 s again.
        foreach (var cap in new[] { 60_000L, 100_000L, 100_000L })
        {
            var failed = await RunStepAsync(f, recipe.Id, "own", flaky);
            var wait = failed.NotBefore - f.Ledger.Now();
            await Assert.That(wait).IsBetween(cap / 2, cap);
            f.Clock.Advance(TimeSpan.FromMilliseconds(cap));
        }

        var plain = await RunStepAsync(f, recipe.Id, "plain", flaky);
        var coordinators = (long)f.Ledger.Options.RetryBaseDelay.TotalMilliseconds;
        await Assert.That(plain.NotBefore - f.Ledger.Now()).IsBetween(coordinators / 2, coordinators);
    }

    [Test]
    public async Task a_step_whose_agent_stopped_renewing_its_lease_waits_the_step_s_own_backoff()
    {
        await using var f = new LedgerFixture();
        var recipe = await SubmitAsync(f.Ledger, Of(Recipe(Sleep("a", "\"retry\":{\"max_attempts\":3,\"backoff_s\":600}"))));
        var running = await RunStepAsync(f, recipe.Id, "a");

        f.Clock.Advance(f.Ledger.Options.LeaseTtl + TimeSpan.FromSeconds(1));
        await Assert.That(await f.Ledger.ExpireLeasesAsync()).IsEqualTo(1);

        var again = (await f.Ledger.GetJobAsync(running.Id))!;
        await Assert.That(again.JobState).IsEqualTo(JobState.Scheduled);
        await Assert.That(again.ErrorCode).IsEqualTo("lease_expired");
        await Assert.That(again.NotBefore - f.Ledger.Now()).IsBetween(300_000L, 600_000L);
        await Assert.That((await StatesAsync(f, recipe.Id))["a"]).IsEqualTo(StepState.Running);
    }

    [Test]
    public async Task a_backoff_longer_than_the_coordinators_cap_is_not_cut_to_it()
    {
        await using var f = new LedgerFixture();
        var recipe = await SubmitAsync(f.Ledger, Of(Recipe(Sleep("a", "\"retry\":{\"max_attempts\":3,\"backoff_s\":3600}"))));

        var failed = await RunStepAsync(f, recipe.Id, "a", new FinishReport(FinishOutcome.RetryableFailure, "flaky", "try again"));

        await Assert.That(failed.NotBefore - f.Ledger.Now()).IsBetween(1_800_000L, 3_600_000L);
    }

    [Test]
    public async Task a_step_s_artifact_outlives_its_ttl_while_its_recipe_job_runs_and_expires_once_it_has_ended()
    {
        await using var f = new LedgerFixture();
        var recipe = await SubmitAsync(f.Ledger, Of(Recipe(Sleep("a"), Sleep("b", "\"depends_on\":[\"a\"],\"retry\":{\"max_attempts\":5,\"backoff_s\":86400}"))));
        var stepA = (await StepJobAsync(f.Ledger, recipe.Id, "a"))!;
        var running = await f.RunningAsync(stepA.Id);
        await f.Ledger.FinishWithLogAsync(stepA.Id, running.Fence, [], Success,
            new ArtifactRecord("/artifacts/a.bin", 3, "abc", f.Clock.GetUtcNow().AddHours(1)));
        // Step b fails once and waits out a day's backoff: far past a's TTL.
        await RunStepAsync(f, recipe.Id, "b", new FinishReport(FinishOutcome.RetryableFailure, "flaky", "try again"));
        f.Clock.Advance(TimeSpan.FromHours(25));

        await Assert.That(await f.Ledger.ExpireArtifactsAsync()).IsEmpty();
        await Assert.That((await f.Ledger.GetArtifactAsync(stepA.Id))!.DeletedAt).IsNull();

        await RunStepAsync(f, recipe.Id, "b", Success);
        await Assert.That((await f.Ledger.GetJobAsync(recipe.Id))!.JobState).IsEqualTo(JobState.Completed);
        var expired = await f.Ledger.ExpireArtifactsAsync();
        await Assert.That(expired.Select(a => a.JobId).ToArray()).IsEquivalentTo(new[] { stepA.Id }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task a_step_is_tried_as_often_as_any_job_unless_its_retry_says_otherwise()
    {
        await using var f = new LedgerFixture();
        var recipe = await SubmitAsync(f.Ledger, Of(Recipe(Sleep("a"), Sleep("b", "\"retry\":{\"max_attempts\":5}"))));

        var steps = await f.Ledger.GetStepsAsync(recipe.Id);

        await Assert.That(steps[0].Job!.MaxAttempts).IsEqualTo(f.Ledger.Options.DefaultMaxAttempts);
        await Assert.That(steps[1].Job!.MaxAttempts).IsEqualTo(5);
    }

    [Test]
    public async Task a_step_job_whose_lease_expires_on_its_last_attempt_fails_the_step()
    {
        await using var f = new LedgerFixture();
        var recipe = await SubmitAsync(f.Ledger, Of(Recipe(Sleep("a", "\"retry\":{\"max_attempts\":1}"))));
        await RunStepAsync(f, recipe.Id, "a");

        f.Clock.Advance(TimeSpan.FromHours(1));
        await f.Ledger.ExpireLeasesAsync();

        var done = (await f.Ledger.GetJobAsync(recipe.Id))!;
        await Assert.That(done.JobState).IsEqualTo(JobState.Failed);
        await Assert.That(done.ErrorMessage).Contains("lease_lost");
    }

    [Test]
    public async Task step_jobs_are_not_listed_cannot_be_deleted_alone_and_leave_with_their_recipe_job()
    {
        await using var f = new LedgerFixture();
        var recipe = await SubmitAsync(f.Ledger, Of(Recipe(Sleep("a"), Sleep("b"))));
        var a = await RunStepAsync(f, recipe.Id, "a", Success);
        var b = await RunStepAsync(f, recipe.Id, "b", Success);

        var listed = await f.Ledger.ListJobsAsync(new JobQuery { States = JobStates.All });
        await Assert.That(listed.Jobs.Select(j => j.Id).ToArray()).IsEquivalentTo(new[] { recipe.Id }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That((await f.Ledger.DeleteAsync(a.Id)).Outcome).IsEqualTo(TransitionOutcome.Conflict);

        var deleted = await f.Ledger.DeleteByStateAsync(JobStates.Terminal, org: null);

        await Assert.That(deleted.Ids.ToArray()).IsEquivalentTo(new[] { recipe.Id }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(deleted.StepJobIds.Order().ToArray()).IsEquivalentTo(new[] { a.Id, b.Id }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(await f.Ledger.CountJobsAsync()).IsEqualTo(0);
    }

    [Test]
    public async Task deleting_one_recipe_job_takes_its_step_jobs()
    {
        await using var f = new LedgerFixture();
        var recipe = await SubmitAsync(f.Ledger, Of(Recipe(Sleep("a"))));
        await RunStepAsync(f, recipe.Id, "a", Success);

        await Assert.That((await f.Ledger.DeleteAsync(recipe.Id)).IsOk).IsTrue();

        await Assert.That(await f.Ledger.CountJobsAsync()).IsEqualTo(0);
        await Assert.That(await f.Ledger.GetJobRecipeAsync(recipe.Id)).IsNull();
    }

    [Test]
    public async Task a_step_s_params_come_from_the_job_s_params_for_that_step()
    {
        await using var f = new LedgerFixture();
        var recipe = await SubmitAsync(f.Ledger, Of(
            Recipe("""{"id":"nap","tool":"sleep","params":{"seconds":"{param:how_long}"},"param_keys":["fail"]}"""),
            """{"nap":{"how_long":2.5,"fail":true}}"""));

        var nap = (await StepJobAsync(f.Ledger, recipe.Id, "nap"))!;

        await Assert.That(nap.Params).IsEqualTo("""{"seconds":2.5,"fail":true,"fatal":false}""");
    }

    [Test]
    public async Task a_wide_fan_out_makes_every_leaf_s_step_job_when_its_root_completes()
    {
        await using var f = new LedgerFixture();
        var leaves = Enumerable.Range(1, 999).Select(i => Sleep($"leaf{i}", "\"depends_on\":[\"root\"]"));
        var recipe = await SubmitAsync(f.Ledger, Of(Recipe([Sleep("root"), .. leaves])));

        await RunStepAsync(f, recipe.Id, "root", Success);

        var steps = await f.Ledger.GetStepsAsync(recipe.Id);
        await Assert.That(steps.Count(s => s.Job is { JobState: JobState.Scheduled })).IsEqualTo(999);
        await Assert.That(steps.Skip(1).Select(s => s.Job!.Id).ToArray()).IsInOrder(); // made in step order
        var events = await f.Ledger.GetEventsAsync(steps[500].Job!.Id);
        await Assert.That(events.Single().Reason).IsEqualTo((int)EventReason.Submitted);
    }
}
