using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Ledger;

/// <summary>A dataset tool's writes to the index are fenced: by its lease's fence, from the offer on, and never after.</summary>
public class DatasetMaintenanceLedgerTests
{
    private static readonly string[] s_sleep = ["sleep"];

    private static DatasetEntryRow Entry(string path) => new() { Path = path, Type = "other", Size = 3, Sha256 = new string('a', 64), Mtime = 1 };

    [Test]
    public async Task a_write_is_taken_from_the_offer_on_while_the_accept_is_in_flight_and_refused_for_another_fence_or_after_the_end()
    {
        await using var f = new LedgerFixture();
        await f.Ledger.CreateDatasetAsync("acme", "field", null);
        var job = await f.SubmitAsync();
        var lease = (await f.Ledger.GrantAsync(LedgerFixture.Node, s_sleep))[0];

        // Offered, not yet accepted: an agent starts its tool as soon as its Accept is queued.
        await Assert.That(await f.Ledger.AddEntriesAsync(job.Id, lease.Fence, "acme", "field", [Entry("a.txt")])).IsEqualTo(MaintenanceResult.Written);
        await Assert.That(await f.Ledger.AddEntriesAsync(job.Id, lease.Fence + 1, "acme", "field", [Entry("b.txt")])).IsEqualTo(MaintenanceResult.LeaseLost);

        await f.Ledger.AcceptAsync(job.Id, lease.Fence, LedgerFixture.Node);
        await Assert.That(await f.Ledger.ReindexAsync(job.Id, lease.Fence, "acme", "field", [Entry("c.txt")], ["a.txt"])).IsEqualTo(MaintenanceResult.Written);

        await f.Ledger.FinishAsync(job.Id, lease.Fence, new FinishReport(FinishOutcome.Succeeded));
        await Assert.That(await f.Ledger.AddEntriesAsync(job.Id, lease.Fence, "acme", "field", [Entry("d.txt")])).IsEqualTo(MaintenanceResult.LeaseLost);

        var page = await f.Ledger.ListEntriesAsync(new EntryQuery("acme", "field", "", null, null, 10));
        await Assert.That(page.Entries.Select(e => e.Path)).IsEquivalentTo(new[] { "c.txt" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That((await f.Ledger.GetDatasetAsync("acme", "field"))!.BytesUsed).IsEqualTo(3);
    }
}
