using System.Net;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Guarantees;

public class QuotaTests
{
    private static string Body(int i) => """{"tool":"sleep","params":{"seconds":""" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}";

    private static async Task<HttpResponseMessage[]> SubmitManyAsync(ApiServer api, string token, int count) =>
        await Task.WhenAll(Enumerable.Range(1, count).Select(i => api.SendAsync(HttpMethod.Post, "v1/jobs", token, Body(i))));

    [Test]
    [Arguments("owner")]
    [Arguments("tool")]
    [Arguments("all")]
    public async Task parallel_submits_never_exceed_a_quota_and_the_excess_gets_429_with_retry_after(string which)
    {
        var quotas = which switch
        {
            "owner" => new QuotaOptions { MaxActivePerOwner = 5 },
            "tool" => new QuotaOptions { MaxActivePerTool = 5 },
            _ => new QuotaOptions { MaxActiveJobs = 5 },
        };
        await using var api = await ApiServer.StartAsync(configure: o => o with { Quotas = quotas });

        var answers = await SubmitManyAsync(api, api.Bob, 30);

        await Assert.That(answers.Count(a => a.StatusCode == HttpStatusCode.Accepted)).IsEqualTo(5);
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        await Assert.That(refused.Count).IsEqualTo(25);
        await Assert.That(refused[0].Headers.RetryAfter!.Delta).IsEqualTo(TimeSpan.FromSeconds(10));
        await Assert.That((await ApiServer.ProblemAsync(refused[0])).ErrorCode).IsEqualTo("quota_exceeded");
        await Assert.That(await api.Ledger.CountJobsAsync()).IsEqualTo(5);
        foreach (var a in answers)
        {
            a.Dispose();
        }
    }

    [Test]
    public async Task a_finished_job_frees_its_place_in_the_quota()
    {
        await using var api = await ApiServer.StartAsync(configure: o => o with { Quotas = new QuotaOptions { MaxActivePerOwner = 2 } });
        var first = await api.SubmitAsync(api.Bob, 1);
        await api.SubmitAsync(api.Bob, 2);
        using var full = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, Body(3));

        await api.Ledger.StopAsync(first.Id);
        using var freed = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, Body(3));
        using var otherOwner = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Carol, Body(3));

        await Assert.That(full.StatusCode).IsEqualTo(HttpStatusCode.TooManyRequests);
        await Assert.That(freed.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        await Assert.That(otherOwner.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        var counts = await api.Ledger.ActiveCountsAsync("bob", "sleep");
        await Assert.That(counts).IsEqualTo((3L, 2L, 3L));
    }

    [Test]
    public async Task a_job_whose_estimated_output_is_too_large_is_413_and_changes_nothing()
    {
        await using var api = await ApiServer.StartAsync(configure: o => o with { Quotas = new QuotaOptions { MaxOutputBytesPerJob = 10 } });
        api.WriteInput("big.tif", new string('x', 11));
        api.WriteInput("small.tif", "tiny");
        var before = await api.SnapshotAsync();

        using var big = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, """{"tool":"copy","params":{"path":"big.tif"}}""");
        await Assert.That(big.StatusCode).IsEqualTo(HttpStatusCode.RequestEntityTooLarge);
        await Assert.That((await ApiServer.ProblemAsync(big)).ErrorCode).IsEqualTo("estimated_output_too_large");
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);

        using var small = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, """{"tool":"copy","params":{"path":"small.tif"}}""");
        await Assert.That(small.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
    }

    [Test]
    public async Task counters_kept_by_triggers_match_a_full_count_after_every_kind_of_transition()
    {
        await using var f = new LedgerFixture();
        foreach (var state in EdgeJobs.Protocol.Jobs.JobStates.All)
        {
            await f.InStateAsync(state, owner: "alice");
            await f.InStateAsync(state, owner: "bob");
        }

        var done = await f.InStateAsync(EdgeJobs.Protocol.Jobs.JobState.Completed, owner: "bob");
        await f.Ledger.DeleteAsync(done.Id);
        f.Clock.Advance(f.Ledger.Options.LeaseTtl * 2);
        await f.Ledger.ExpireLeasesAsync();

        var page = await f.Ledger.ListJobsAsync(new JobQuery { States = EdgeJobs.Protocol.Jobs.JobStates.Active, Limit = 1000 });
        var counts = await f.Ledger.ActiveCountsAsync("bob", "sleep");
        await Assert.That(counts.All).IsEqualTo(page.Jobs.Count);
        await Assert.That(counts.Owner).IsEqualTo(page.Jobs.Count(j => j.Owner == "bob"));
        await Assert.That(counts.Tool).IsEqualTo(page.Jobs.Count);
    }
}
