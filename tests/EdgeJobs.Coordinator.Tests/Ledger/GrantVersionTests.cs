using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Ledger;

/// <summary>
/// A node is granted only jobs of the tool versions it runs: offering a job of another version made the agent reject
/// it, which freed the offer for the next pass to make again, round and round.
/// </summary>
public class GrantVersionTests
{
    [Test]
    public async Task a_job_is_granted_only_to_a_node_running_its_tool_s_version()
    {
        await using var f = new LedgerFixture();
        var job = await f.Ledger.SubmitAsync(LedgerFixture.Job() with { ToolVersion = "2" });

        var otherVersion = await f.Ledger.GrantAsync(LedgerFixture.Node, ["sleep@1"]);
        var sameVersion = await f.Ledger.GrantAsync(LedgerFixture.OtherNode, ["sleep@2"]);

        await Assert.That(otherVersion.Count).IsEqualTo(0);
        await Assert.That(sameVersion.Single().JobId).IsEqualTo(job.Id);
    }

    [Test]
    public async Task a_tool_named_without_a_version_takes_any_version()
    {
        await using var f = new LedgerFixture();
        var job = await f.Ledger.SubmitAsync(LedgerFixture.Job() with { ToolVersion = "7" });

        var granted = await f.Ledger.GrantAsync(LedgerFixture.Node, ["sleep"]);

        await Assert.That(granted.Single().JobId).IsEqualTo(job.Id);
    }
}
