using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Slurm;

public class AllocationLedgerTests
{
    private static readonly string[] s_sleep = ["sleep@1"];

    [Test]
    public async Task a_node_with_a_grant_deadline_is_offered_only_jobs_whose_timeout_ends_before_it_and_jobs_without_one()
    {
        await using var f = new LedgerFixture();
        var tooLong = await f.Ledger.SubmitAsync(LedgerFixture.Job() with { TimeoutMs = 600_000 });
        var fits = await f.Ledger.SubmitAsync(LedgerFixture.Job() with { TimeoutMs = 30_000 });
        var untimed = await f.Ledger.SubmitAsync(LedgerFixture.Job());

        var leases = await f.Ledger.GrantAsync(LedgerFixture.Node, s_sleep, count: 10, deadline: f.Ledger.Now() + 60_000);

        await Assert.That(leases.Select(l => l.JobId).Order().ToArray()).IsEquivalentTo(new[] { fits.Id, untimed.Id }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        var other = await f.Ledger.GrantAsync(LedgerFixture.OtherNode, s_sleep, count: 10);
        await Assert.That(other.Single().JobId).IsEqualTo(tooLong.Id);
    }

    [Test]
    public async Task an_ended_allocation_revokes_its_token_and_expires_only_its_own_agents_leases()
    {
        await using var f = new LedgerFixture();
        var secret = TokenSecrets.Generate();
        var allocation = await f.Ledger.CreateAllocationAsync("default", 1, TokenSecrets.Hash(secret));
        await f.Ledger.SetAllocationSubmittedAsync(allocation.Id, 42);
        await Assert.That((await f.Ledger.FindTokenAsync(TokenSecrets.Hash(secret)))!.Name).IsEqualTo($"slurm-allocation-{allocation.Id}");
        var mine = await f.Ledger.RegisterNodeAsync("key-a", "slurm-42-0", "[]", 1);
        var another = await f.Ledger.RegisterNodeAsync("key-b", "slurm-420-0", "[]", 1);
        await Assert.That(await f.Ledger.AllocationAgentSeenAsync(42)).IsTrue();
        await Assert.That(await f.Ledger.AllocationAgentSeenAsync(4)).IsFalse();
        var onMine = await f.RunningAsync((await f.SubmitAsync()).Id, mine.Id);
        var onAnother = await f.RunningAsync((await f.SubmitAsync()).Id, another.Id);

        var cut = await f.Ledger.EndAllocationAsync(allocation.Id, "cancelled", "CANCELLED", "scancel");

        await Assert.That(cut).IsEqualTo(1);
        await Assert.That(await f.Ledger.FindTokenAsync(TokenSecrets.Hash(secret))).IsNull();
        await Assert.That(await f.Ledger.ExpireLeasesAsync()).IsEqualTo(1);
        var retried = await f.Ledger.GetJobAsync(onMine.Id);
        await Assert.That(retried!.JobState).IsEqualTo(JobState.Scheduled);
        await Assert.That(retried.LeaseNodeId).IsNull();
        await Assert.That((await f.Ledger.GetJobAsync(onAnother.Id))!.JobState).IsEqualTo(JobState.Running);
        await Assert.That(await f.Ledger.ListOpenAllocationsAsync()).IsEmpty();
        var ended = (await f.Ledger.ListAllocationsAsync()).Single();
        await Assert.That(ended.State).IsEqualTo("cancelled");
        await Assert.That(ended.Reason).IsEqualTo("scancel");
        await Assert.That(await f.Ledger.EndAllocationAsync(allocation.Id, "failed", null, "again")).IsEqualTo(0);
        await Assert.That((await f.Ledger.ListAllocationsAsync()).Single().State).IsEqualTo("cancelled");
    }

    [Test]
    public async Task waiting_jobs_count_for_a_queue_only_when_it_offers_their_tool_and_labels_they_fit_its_walltime_and_a_grant_pass_had_them()
    {
        await using var f = new LedgerFixture();
        await f.Ledger.SubmitAsync(LedgerFixture.Job());
        await f.Ledger.SubmitAsync(LedgerFixture.Job() with { TimeoutMs = 600_000 });
        await f.Ledger.SubmitAsync(LedgerFixture.Job(tool: "info"));
        await f.Ledger.SubmitAsync(LedgerFixture.Job() with { NodeLabels = """{"gpu":"yes"}""" });
        var offered = await f.Ledger.SubmitAsync(LedgerFixture.Job());
        await f.Ledger.GrantJobAsync(offered.Id, LedgerFixture.Node);
        var deadline = f.Ledger.Now() + 120_000;

        await Assert.That(await f.Ledger.CountWaitingForAsync("""["sleep"]""", "{}", deadline, 1500, 100)).IsEqualTo(0);
        f.Clock.Advance(TimeSpan.FromSeconds(2));
        deadline = f.Ledger.Now() + 120_000;

        await Assert.That(await f.Ledger.CountWaitingForAsync("""["sleep"]""", "{}", deadline, 1500, 100)).IsEqualTo(1);
        await Assert.That(await f.Ledger.CountWaitingForAsync("""["sleep"]""", """{"gpu":"yes"}""", deadline, 1500, 100)).IsEqualTo(2);
        await Assert.That(await f.Ledger.CountWaitingForAsync("""["sleep","info"]""", "{}", 0, 1500, 100)).IsEqualTo(3);
        await Assert.That(await f.Ledger.CountWaitingForAsync("""["sleep","info"]""", """{"gpu":"yes"}""", 0, 1500, 2)).IsEqualTo(2);
    }
}
