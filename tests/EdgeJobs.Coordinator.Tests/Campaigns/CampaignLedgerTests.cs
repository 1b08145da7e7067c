using Dapper;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Testing;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Tests.Campaigns;

/// <summary>
/// Parent batches in the ledger (design §8.4): a page's children are made once, in one transaction with the page and
/// the cursor; the counters every child's transition keeps agree with the children's real states whatever happens to
/// them; the last child's end ends the batch.
/// </summary>
public class CampaignLedgerTests
{
    private const string Principal = """{"token_id":1,"name":"alice","scopes":["jobs:write"],"org":null,"datasets":null}""";

    private static async Task<(CampaignRow Campaign, JobRow Batch)> BatchAsync(LedgerFixture f, long start = 1, int maxRecords = 10, string id = "c")
    {
        var (_, campaign) = await f.Ledger.CreateCampaignAsync(new NewCampaign(id, Orgs.Default, "alice", null, """{"type":"data_root"}""",
            """{"tool":"sleep","params":{"seconds":0}}""", null, null, false));
        var outcome = await f.Ledger.SubmitBatchAsync(new NewBatch(campaign.Num, LedgerFixture.Job() with { Tool = JobRow.CampaignBatchTool }, start, maxRecords, false, Principal),
            new SubmitPolicy());
        return (campaign, outcome.Job!);
    }

    /// <summary>n sleep children as the batch reader hands them over; those named in <paramref name="refused"/> failed at once.</summary>
    private static string Children(int n, params int[] refused) => "[" + string.Join(',', Enumerable.Range(0, n).Select(i => refused.Contains(i)
        ? $$"""["sleep","1","{\"seconds\":{{i}}}",0,"alice","default",null,null,null,null,"invalid_params","no"]"""
        : $$"""["sleep","1","{\"seconds\":{{i}},\"fail\":false,\"fatal\":false}",0,"alice","default",null,null,2,null,null,null]""")) + "]";

    private static async Task<List<JobRow>> ChildrenAsync(LedgerFixture f, long batchJobId)
    {
        await using var c = new SqliteConnection($"Data Source={f.Ledger.Path};Mode=ReadOnly;Pooling=False");
        c.Open();
        return [.. c.Query<JobRow>($"SELECT {JobColumns.List} FROM jobs WHERE parent_id = @Batch ORDER BY id", new { Batch = batchJobId })];
    }

    /// <summary>The campaign's counters, and the same counted from its children's rows: they must agree.</summary>
    private static async Task<(string Counters, string Real)> CountsAsync(LedgerFixture f, long campaign)
    {
        await using var c = new SqliteConnection($"Data Source={f.Ledger.Path};Mode=ReadOnly;Pooling=False");
        c.Open();
        var counters = c.ExecuteScalar<string>("SELECT coalesce(group_concat(state || '=' || n, ','), '') FROM (SELECT state, n FROM campaign_children WHERE campaign = @C AND n > 0 ORDER BY state)", new { C = campaign })!;
        var real = c.ExecuteScalar<string>("SELECT coalesce(group_concat(state || '=' || n, ','), '') FROM (SELECT state, count(*) AS n FROM jobs WHERE campaign_id = @C AND parent_id IS NOT NULL GROUP BY state ORDER BY state)", new { C = campaign })!;
        return (counters, real);
    }

    [Test]
    public async Task a_page_is_spawned_once_and_a_second_spawn_of_it_writes_nothing()
    {
        await using var f = new LedgerFixture();
        var (campaign, batch) = await BatchAsync(f);
        await f.Ledger.StartBatchReadAsync(batch.Id);

        var first = await f.Ledger.SpawnBatchAsync(batch.Id, Children(3), 3, new BatchPage(12, 4));
        var second = await f.Ledger.SpawnBatchAsync(batch.Id, Children(3), 3, new BatchPage(12, 4));

        await Assert.That(first).IsEqualTo(SpawnResult.Spawned);
        await Assert.That(second).IsEqualTo(SpawnResult.Gone);
        var children = await ChildrenAsync(f, batch.Id);
        await Assert.That(children.Count).IsEqualTo(3);
        await Assert.That(children.All(c => c.CampaignId == campaign.Num && c.JobState == JobState.Scheduled && c.MaxAttempts == 2)).IsTrue();
        var row = (await f.Ledger.GetCampaignAsync("c"))!;
        await Assert.That(row.NextStartPosition).IsEqualTo(4);
        await Assert.That(row.TotalChildren).IsEqualTo(3);
        var events = await f.Ledger.GetEventsAsync(children[0].Id);
        await Assert.That(events.Single().Reason).IsEqualTo((int)EventReason.Submitted);
    }

    [Test]
    public async Task the_counters_follow_every_transition_a_child_can_make()
    {
        await using var f = new LedgerFixture();
        var (campaign, batch) = await BatchAsync(f);
        await f.Ledger.StartBatchReadAsync(batch.Id);
        await f.Ledger.SpawnBatchAsync(batch.Id, Children(7, refused: 6), 7, new BatchPage(null, 8));
        var children = await ChildrenAsync(f, batch.Id);
        await Assert.That(children[6].JobState).IsEqualTo(JobState.Failed);

        // 0 completes; 1 fails fatally; 2 fails and is retried; 3's lease expires (retried); 4 is stopped scheduled; 5 stopped running.
        await JobWalker.IntoStateAsync(f.Ledger, children[0].Id, JobState.Completed);
        await JobWalker.IntoStateAsync(f.Ledger, children[1].Id, JobState.Failed);
        var two = await f.RunningAsync(children[2].Id);
        await f.Ledger.FinishAsync(two.Id, two.Fence, new FinishReport(FinishOutcome.RetryableFailure, "flaky", "again"));
        await f.RunningAsync(children[3].Id);
        await f.Ledger.StopAsync(children[4].Id);
        var five = await f.RunningAsync(children[5].Id);
        await f.Ledger.StopAsync(children[5].Id);
        await Assert.That(await CountsAsync(f, campaign.Num) is var mid && mid.Counters == mid.Real).IsTrue();

        f.Clock.Advance(TimeSpan.FromMinutes(5));
        await f.Ledger.ExpireLeasesAsync();
        await f.Ledger.FinishAsync(five.Id, five.Fence, new FinishReport(FinishOutcome.Stopped));
        var (counters, real) = await CountsAsync(f, campaign.Num);
        await Assert.That(counters).IsEqualTo(real);
        await Assert.That((await f.Ledger.GetJobAsync(batch.Id))!.JobState).IsEqualTo(JobState.Running); // 2 and 3 wait for their retries

        f.Clock.Advance(TimeSpan.FromMinutes(10)); // past the retries' backoff
        foreach (var retried in new[] { children[2], children[3] })
        {
            await JobWalker.IntoStateAsync(f.Ledger, retried.Id, JobState.Completed);
        }

        (counters, real) = await CountsAsync(f, campaign.Num);
        await Assert.That(counters).IsEqualTo(real);
        var ended = (await f.Ledger.GetJobAsync(batch.Id))!;
        await Assert.That(ended.JobState).IsEqualTo(JobState.Partial);
        await Assert.That(ended.ErrorMessage).IsEqualTo("4 of 7 children did not complete");
        await Assert.That((await f.Ledger.GetCampaignAsync("c"))!.ActiveBatch).IsNull();
    }

    [Test]
    public async Task a_batch_stopped_before_its_page_is_read_ends_stopped_and_its_page_is_never_spawned()
    {
        await using var f = new LedgerFixture();
        var (_, batch) = await BatchAsync(f);
        await f.Ledger.StartBatchReadAsync(batch.Id);

        await f.Ledger.StopAsync(batch.Id);
        var spawn = await f.Ledger.SpawnBatchAsync(batch.Id, Children(2), 2, new BatchPage(null, 3));

        await Assert.That(spawn).IsEqualTo(SpawnResult.Gone);
        await Assert.That((await f.Ledger.GetJobAsync(batch.Id))!.JobState).IsEqualTo(JobState.Stopped);
        await Assert.That(await ChildrenAsync(f, batch.Id)).IsEmpty();
        var campaign = (await f.Ledger.GetCampaignAsync("c"))!;
        await Assert.That(campaign.ActiveBatch).IsNull();
        await Assert.That(campaign.NextStartPosition).IsEqualTo(1); // nothing read: the page is asked again next time
    }

    [Test]
    public async Task an_empty_page_completes_its_batch_at_once_and_exhausts_the_campaign()
    {
        await using var f = new LedgerFixture();
        var (_, batch) = await BatchAsync(f);
        await f.Ledger.StartBatchReadAsync(batch.Id);

        await f.Ledger.SpawnBatchAsync(batch.Id, "[]", 0, new BatchPage(0, null));

        await Assert.That((await f.Ledger.GetJobAsync(batch.Id))!.JobState).IsEqualTo(JobState.Completed);
        var campaign = (await f.Ledger.GetCampaignAsync("c"))!;
        await Assert.That(campaign.NextStartPosition).IsNull();
        await Assert.That(campaign.ActiveBatch).IsNull();
    }
}
