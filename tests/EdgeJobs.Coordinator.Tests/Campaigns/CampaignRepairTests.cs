using System.Net;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;
using static EdgeJobs.Coordinator.Tests.Campaigns.CampaignCalls;

namespace EdgeJobs.Coordinator.Tests.Campaigns;

/// <summary>
/// <c>POST /v1/campaigns/{id}/repair</c>: each record's missing variants listed and the job that makes each queued once;
/// a catalog that cannot be read, one too large for a repair, or a campaign with nothing to repair refused.
/// </summary>
public class CampaignRepairTests
{
    [Test]
    public async Task repair_lists_each_record_s_missing_variants_and_queues_the_job_that_makes_each_once()
    {
        await using var api = await ApiServer.StartAsync();
        foreach (var name in new[] { "a", "b", "c" })
        {
            api.WriteInput($"scenes/{name}.tif", "x");
        }

        api.WriteInput("cogs/a.tif", "made already");
        await CreateAsync(api, api.Bob, """
            {"id":"variants","source":{"type":"data_root","root":"scenes"},"template":{"tool":"info","params":{"path":"{record.path}"}},
             "variants":[{"name":"cog","output":"cogs/{record.stem}.tif","template":{"tool":"build","params":{"path":"{record.path}","output":"cogs/{record.stem}.tif"}}},
                         {"name":"shade","output":"shade/{record.stem}.tif","template":{"tool":"merge-terrain","params":{"paths":["{record.path}"],"hillshade":true,"output":"shade/{record.stem}.tif"}}}]}
            """);
        var batch = await BatchAsync(api, api.Bob, "variants", """{"max_records":2}""");
        var before = await api.SnapshotAsync();

        using var dry = await api.SendAsync(HttpMethod.Post, "v1/campaigns/variants/repair", api.Bob, """{"dry_run":true}""");
        var listed = await Expect(dry, HttpStatusCode.OK, RestJsonContext.Default.RepairDto);
        await Assert.That(listed.RecordsChecked).IsEqualTo(3); // the whole catalog, read again
        await Assert.That(listed.Missing.Select(m => $"{m.Record}:{m.Variant}:{m.Output}").ToArray()).IsEquivalentTo(new[]
        {
            "scenes/a.tif:shade:shade/a.tif", "scenes/b.tif:cog:cogs/b.tif", "scenes/b.tif:shade:shade/b.tif", "scenes/c.tif:cog:cogs/c.tif", "scenes/c.tif:shade:shade/c.tif",
        }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(listed.Missing.All(m => m.JobId is null)).IsTrue();
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before); // a dry run queues nothing

        using var onlyBatch = await api.SendAsync(HttpMethod.Post, "v1/campaigns/variants/repair", api.Bob, J("""{"batch_job_id":@0@}""", batch.Id));
        var queued = await Expect(onlyBatch, HttpStatusCode.OK, RestJsonContext.Default.RepairDto);
        await Assert.That(queued.RecordsChecked).IsEqualTo(2); // the batch's page: a and b
        await Assert.That(queued.Missing.Count).IsEqualTo(3);
        await Assert.That(queued.Missing.All(m => m.JobId is not null && m.Error is null)).IsTrue();
        var job = (await api.Ledger.GetJobAsync(queued.Missing.Single(m => m.Variant == "cog").JobId!.Value))!;
        await Assert.That(job.Tool).IsEqualTo("build");
        await Assert.That(job.Params).Contains("\"output\":\"cogs/b.tif\"");
        await Assert.That(job.CampaignId).IsEqualTo(batch.CampaignId);

        // Asked again while they wait: the same jobs, none more.
        using var again = await api.SendAsync(HttpMethod.Post, "v1/campaigns/variants/repair", api.Bob, """{}""");
        var second = await Expect(again, HttpStatusCode.OK, RestJsonContext.Default.RepairDto);
        foreach (var m in queued.Missing)
        {
            await Assert.That(second.Missing.Single(n => n.Record == m.Record && n.Variant == m.Variant).JobId).IsEqualTo(m.JobId);
        }

        using var wrongBatch = await api.SendAsync(HttpMethod.Post, "v1/campaigns/variants/repair", api.Bob, """{"batch_job_id":999999}""");
        await Assert.That((await ApiServer.ProblemAsync(wrongBatch)).Errors!.Single().Path).IsEqualTo("$.batch_job_id");
    }

    /// <summary>
    /// A STAC API page saved as a file (an ItemCollection) is a catalog too: its items are records. Its <c>next</c> link
    /// leads to the API's host, which a file source does not follow unless --catalog-allow names the host.
    /// </summary>

    [Test]
    public async Task repair_while_the_catalog_cannot_be_read_is_a_502_naming_why_and_queues_nothing()
    {
        await using var csw = await CatalogServer.StartAsync();
        await using var api = await ApiServer.StartAsync(configure: o => o with { CatalogAllow = ["127.0.0.1"], CatalogRetryBase = TimeSpan.FromMilliseconds(10) });
        await CreateAsync(api, api.Bob, J("""
            {"id":"down","source":{"type":"csw","url":"@0@","sort_by":"dc:type:D"},"template":{"tool":"info","params":{"path":"{record.id}"}},
             "variants":[{"name":"cog","output":"cogs/{record.id}.tif","template":{"tool":"build","params":{"path":"{record.id}","output":"cogs/{record.id}.tif"}}}]}
            """, csw.Csw));
        var before = await api.SnapshotAsync();
        csw.FailNext(100);

        using var repair = await api.SendAsync(HttpMethod.Post, "v1/campaigns/down/repair", api.Bob, "{}");

        await Assert.That(repair.StatusCode).IsEqualTo(HttpStatusCode.BadGateway);
        var problem = await ApiServer.ProblemAsync(repair);
        await Assert.That(problem.ErrorCode).IsEqualTo("catalog_unreadable");
        await Assert.That(problem.Detail!).Contains("503");
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task repair_of_a_catalog_larger_than_one_repair_reads_is_a_413_and_its_batches_repair_one_by_one()
    {
        await using var api = await ApiServer.StartAsync(configure: o => o with { RepairMaxRecords = 2 });
        foreach (var name in new[] { "a", "b", "c" })
        {
            api.WriteInput($"scenes/{name}.tif", "x");
        }

        await CreateAsync(api, api.Bob, """
            {"id":"big","source":{"type":"data_root","root":"scenes"},"template":{"tool":"info","params":{"path":"{record.path}"}},
             "variants":[{"name":"cog","output":"cogs/{record.stem}.tif","template":{"tool":"build","params":{"path":"{record.path}","output":"cogs/{record.stem}.tif"}}}]}
            """);
        var batch = await BatchAsync(api, api.Bob, "big", """{"max_records":2}""");
        var before = await api.SnapshotAsync();

        using var whole = await api.SendAsync(HttpMethod.Post, "v1/campaigns/big/repair", api.Bob, "{}");
        var after = await api.SnapshotAsync();
        using var onlyBatch = await api.SendAsync(HttpMethod.Post, "v1/campaigns/big/repair", api.Bob, J("""{"batch_job_id":@0@,"dry_run":true}""", batch.Id));

        await Assert.That(whole.StatusCode).IsEqualTo(HttpStatusCode.RequestEntityTooLarge);
        var problem = await ApiServer.ProblemAsync(whole);
        await Assert.That(problem.ErrorCode).IsEqualTo("catalog_too_large");
        await Assert.That(problem.Detail!).Contains("more than 2 records");
        await Assert.That(after).IsEqualTo(before);
        var listed = await Expect(onlyBatch, HttpStatusCode.OK, RestJsonContext.Default.RepairDto);
        await Assert.That(listed.RecordsChecked).IsEqualTo(2);
    }

    [Test]
    public async Task repair_of_a_campaign_without_variants_or_of_an_unread_batch_is_a_conflict()
    {
        await using var api = await ApiServer.StartAsync();
        await CreateAsync(api, api.Bob, """{"id":"plain","source":{"type":"data_root"},"template":{"tool":"info","params":{"path":"{record.path}"}}}""");
        var before = await api.SnapshotAsync();

        using var none = await api.SendAsync(HttpMethod.Post, "v1/campaigns/plain/repair", api.Bob, "{}");
        using var missing = await api.SendAsync(HttpMethod.Post, "v1/campaigns/nope/repair", api.Bob, "{}");

        await Assert.That((await ApiServer.ProblemAsync(none)).ErrorCode).IsEqualTo("no_variants");
        await Assert.That(missing.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }
}
