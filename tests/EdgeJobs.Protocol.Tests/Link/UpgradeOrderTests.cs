using EdgeJobs.Protocol.Link;
using MemoryPack;

namespace EdgeJobs.Protocol.Tests.Link;

/// <summary>
/// Why coordinators upgrade first (LinkMessages.cs): a newer side reads an older message, but MemoryPack's
/// default layout refuses a message with more members than the reader knows. Pinned with LeaseReport as it was
/// before per-output progress, so a change of that behaviour (or of the claim) is noticed.
/// </summary>
public partial class UpgradeOrderTests
{
    [Test]
    public async Task an_older_reader_refuses_a_lease_report_with_outputs_and_reads_one_without_members_it_lacks()
    {
        var newer = MemoryPackSerializer.Serialize(new LeaseReport(7, 3, 50, "computing", [], false, 1, [new OutputReport("a.tif", 1, 1, 2, 1)]));
        var older = MemoryPackSerializer.Serialize(new LeaseReportBeforeOutputs(7, 3, 50, "computing", [], false, 1));

        await Assert.That(() => MemoryPackSerializer.Deserialize<LeaseReportBeforeOutputs>(newer)).Throws<MemoryPackSerializationException>();
        await Assert.That(MemoryPackSerializer.Deserialize<LeaseReport>(older)!.Outputs).IsNull();
    }

    [MemoryPackable]
    internal sealed partial record LeaseReportBeforeOutputs(long JobId, long Fence, double Percent, string? Phase, string[] NewLogLines, bool StopAcknowledged, long FirstLogSeq = 0);
}
