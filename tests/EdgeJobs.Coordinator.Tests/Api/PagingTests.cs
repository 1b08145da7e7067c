using System.Net;
using EdgeJobs.Testing;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Tests.Api;

public class PagingTests
{
    [Test]
    public async Task paging_while_jobs_are_added_returns_every_original_job_once_newest_first()
    {
        await using var api = await ApiServer.StartAsync();
        var original = (await api.Ledger.SubmitManyAsync([.. Enumerable.Range(0, 257).Select(_ => LedgerFixture.Job(owner: "bob"))]))
            .Select(j => j.Id).ToHashSet();

        using var adding = new CancellationTokenSource();
        var adder = Task.Run(async () =>
        {
            while (!adding.IsCancellationRequested)
            {
                await api.Ledger.SubmitAsync(LedgerFixture.Job(owner: "bob"));
            }
        });

        var seen = new List<long>();
        long? cursor = null;
        var pages = 0;
        while (true)
        {
            using var response = await api.GetAsync($"v1/jobs?limit=25&status=all{(cursor is null ? "" : $"&cursor={cursor}")}", api.Bob);
            var page = (await ApiServer.ReadAsync(response, RestJsonContext.Default.JobListDto))!;
            seen.AddRange(page.Jobs.Select(j => j.Id));
            pages++;
            if (page.NextCursor is null)
            {
                break;
            }

            await Assert.That(page.Jobs.Count).IsEqualTo(25);
            await Assert.That(page.NextCursor).IsEqualTo(page.Jobs[^1].Id);
            cursor = page.NextCursor;
        }

        await adding.CancelAsync();
        await adder;

        await Assert.That(seen.Count).IsEqualTo(seen.Distinct().Count());
        await Assert.That(seen).IsOrderedByDescending(id => id);
        foreach (var id in original)
        {
            await Assert.That(seen).Contains(id);
        }

        await Assert.That(pages).IsGreaterThanOrEqualTo(11);
    }

    /// <summary>
    /// A page of the largest size after a small one: the page's artifacts are
    /// read with the page's ids as one JSON text, which a cached command cut to its first run's 4,000 characters.
    /// </summary>
    [Test]
    public async Task a_page_of_a_thousand_jobs_after_a_page_of_fifty_lists_them_all()
    {
        await using var api = await ApiServer.StartAsync();
        // 12,000 jobs: a page of 1,000 five-digit ids is a 6,000-character list.
        var jobs = await api.Ledger.SubmitManyAsync([.. Enumerable.Range(0, 12_000).Select(_ => LedgerFixture.Job(owner: "bob"))]);
        foreach (var job in jobs.Where(j => j.Id is >= 10_990 and < 11_990))
        {
            await JobWalker.IntoStateAsync(api.Ledger, job.Id, JobState.Completed); // only completed jobs' artifacts are looked up
        }


        for (var i = 0; i < 20; i++)
        {
            using var small = await api.GetAsync("v1/jobs?limit=50&status=all", api.Bob);
            await Assert.That(small.StatusCode).IsEqualTo(HttpStatusCode.OK);
        }

        using var large = await api.GetAsync("v1/jobs?limit=1000&status=all&cursor=11990", api.Bob);

        await Assert.That(large.StatusCode).IsEqualTo(HttpStatusCode.OK).Because(await large.Content.ReadAsStringAsync());
        var page = (await ApiServer.ReadAsync(large, RestJsonContext.Default.JobListDto))!;
        await Assert.That(page.Jobs.Count).IsEqualTo(1000);
        await Assert.That(page.Jobs[0].Id).IsEqualTo(11989);
    }

    [Test]
    public async Task the_last_page_has_a_null_next_cursor_even_when_it_is_exactly_full()
    {
        await using var api = await ApiServer.StartAsync();
        await api.Ledger.SubmitManyAsync([.. Enumerable.Range(0, 10).Select(_ => LedgerFixture.Job(owner: "bob"))]);

        using var first = await api.GetAsync("v1/jobs?limit=5", api.Bob);
        var page1 = (await ApiServer.ReadAsync(first, RestJsonContext.Default.JobListDto))!;
        using var second = await api.GetAsync($"v1/jobs?limit=5&cursor={page1.NextCursor}", api.Bob);
        var body = await second.Content.ReadAsStringAsync();

        await Assert.That(page1.NextCursor).IsNotNull();
        await Assert.That(body).Contains("\"next_cursor\":null");
        await Assert.That(JsonListCount(body)).IsEqualTo(5);
    }

    [Test]
    public async Task the_default_page_is_fifty_active_jobs()
    {
        await using var api = await ApiServer.StartAsync();
        var jobs = await api.Ledger.SubmitManyAsync([.. Enumerable.Range(0, 60).Select(_ => LedgerFixture.Job(owner: "bob"))]);
        await api.Ledger.StopAsync(jobs[^1].Id);

        using var response = await api.GetAsync("v1/jobs", api.Bob);
        var page = (await ApiServer.ReadAsync(response, RestJsonContext.Default.JobListDto))!;

        await Assert.That(page.Jobs.Count).IsEqualTo(50);
        await Assert.That(page.Jobs.All(j => j.Status == "scheduled")).IsTrue();
        await Assert.That(page.Jobs[0].Id).IsEqualTo(jobs[^2].Id);
    }

    [Test]
    [Arguments("terminal", new[] { "stopped", "completed", "failed", "partial" })]
    [Arguments("active", new[] { "scheduled", "running", "stop_requested", "stopping", "held" })]
    [Arguments("Running,STOPPING", new[] { "running", "stopping" })]
    [Arguments("completed", new[] { "completed" })]
    public async Task status_filters_select_exactly_their_states(string filter, string[] expected)
    {
        await using var api = await ApiServer.StartAsync();
        foreach (var state in JobStates.All)
        {
            var job = await api.SubmitAsync(api.Bob);
            await JobWalker.IntoStateAsync(api.Ledger, job.Id, state);
        }

        using var response = await api.GetAsync($"v1/jobs?status={filter}", api.Bob);
        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        var page = (await ApiServer.ReadAsync(response, RestJsonContext.Default.JobListDto))!;

        await Assert.That(page.Jobs.Select(j => j.Status).ToArray()).IsEquivalentTo(expected, TUnit.Assertions.Enums.CollectionOrdering.Any); // a filter's set; the order is another test's
    }

    [Test]
    public async Task writers_list_only_their_own_jobs_and_admins_see_everyones()
    {
        await using var api = await ApiServer.StartAsync();
        await api.SubmitAsync(api.Bob);
        await api.SubmitAsync(api.Carol);

        using var bob = await api.GetAsync("v1/jobs", api.Bob);
        using var admin = await api.GetAsync("v1/jobs", api.Admin);
        using var adminFiltered = await api.GetAsync("v1/jobs?owner=carol", api.Admin);

        await Assert.That((await ApiServer.ReadAsync(bob, RestJsonContext.Default.JobListDto))!.Jobs.Select(j => j.Owner).ToArray()).IsEquivalentTo(new[] { "bob" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That((await ApiServer.ReadAsync(admin, RestJsonContext.Default.JobListDto))!.Jobs.Count).IsEqualTo(2);
        await Assert.That((await ApiServer.ReadAsync(adminFiltered, RestJsonContext.Default.JobListDto))!.Jobs.Select(j => j.Owner).ToArray()).IsEquivalentTo(new[] { "carol" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    private static int JsonListCount(string body)
    {
        using var document = System.Text.Json.JsonDocument.Parse(body);
        return document.RootElement.GetProperty("jobs").GetArrayLength();
    }
}
