using EdgeJobs.Coordinator.Link;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Link;

namespace EdgeJobs.Coordinator.Tests.Link;

/// <summary>What an agent reports of its outputs is bounded before the ledger stores it.</summary>
public class OutputReportsTests
{
    [Test]
    public async Task an_agent_without_per_output_progress_changes_nothing()
    {
        await Assert.That(OutputReports.ToLedger(null)).IsNull();
    }

    [Test]
    public async Task negative_numbers_are_clamped_a_negative_total_is_unknown_and_bad_or_repeated_names_dropped()
    {
        var stored = OutputReports.ToLedger(
        [
            new OutputReport("a.tif", -1, -2, -3, -4),
            new OutputReport("a.tif", 9, 9, 9, 9),
            new OutputReport("", 1, 1, 1, 1),
            new OutputReport(new string('x', OutputReports.MaxNameLength + 1), 1, 1, 1, 1),
            new OutputReport("b.tif", 5, 1, OutputReport.UnknownTotal, 1),
        ])!;

        await Assert.That(stored).IsEquivalentTo(new[] { new OutputProgress("a.tif", 0, 0, null, 0), new OutputProgress("b.tif", 5, 1, null, 1) },
            TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task at_most_so_many_outputs_are_kept_per_job()
    {
        var many = Enumerable.Range(0, OutputReports.MaxPerJob + 10).Select(i => new OutputReport($"{i}.tif", i, 0, OutputReport.UnknownTotal, 1)).ToArray();

        await Assert.That(OutputReports.ToLedger(many)!.Count).IsEqualTo(OutputReports.MaxPerJob);
    }
}
