using System.Net;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Api;

/// <summary>
/// Orgs through REST: a token acts in its org, another org's job is absent (404, or 204 for a delete, as for a
/// job that does not exist), an org's admin acts on its own org only, and the global admin token sees every org.
/// </summary>
public class TenancyTests
{
    private static async Task<(ApiServer Api, string Acme, string AcmeAdmin, JobDto AcmeJob, JobDto DefaultJob)> TwoOrgsAsync()
    {
        var api = await ApiServer.StartAsync();
        var acme = await api.MintInOrgAsync("ann", "acme", Scopes.JobsRead, Scopes.JobsWrite);
        var acmeAdmin = await api.MintInOrgAsync("acme-admin", "acme", Scopes.JobsAdmin);
        var acmeJob = await api.SubmitAsync(acme);
        var defaultJob = await api.SubmitAsync(api.Bob);
        return (api, acme, acmeAdmin, acmeJob, defaultJob);
    }

    [Test]
    public async Task a_job_records_the_org_of_the_token_that_submitted_it()
    {
        var (api, _, _, acmeJob, defaultJob) = await TwoOrgsAsync();
        await using var _ = api;

        await Assert.That(acmeJob.Org).IsEqualTo("acme");
        await Assert.That(defaultJob.Org).IsEqualTo(Orgs.Default);
    }

    [Test]
    [Arguments("GET", "")]
    [Arguments("GET", "/events")]
    [Arguments("GET", "/log")]
    [Arguments("GET", "/progress")]
    [Arguments("GET", "/artifact")]
    [Arguments("POST", "/stop")]
    public async Task another_org_s_job_is_not_found_even_for_that_org_s_admin(string method, string suffix)
    {
        var (api, acme, acmeAdmin, _, defaultJob) = await TwoOrgsAsync();
        await using var _ = api;

        foreach (var token in new[] { acme, acmeAdmin })
        {
            using var response = await api.SendAsync(new HttpMethod(method), $"v1/jobs/{defaultJob.Id}{suffix}", token);
            await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
            await Assert.That((await ApiServer.ProblemAsync(response)).ErrorCode).IsEqualTo("job_not_found");
        }

        var untouched = (await api.Ledger.GetJobAsync(defaultJob.Id))!;
        await Assert.That(untouched.JobState).IsEqualTo(JobState.Scheduled);
    }

    [Test]
    public async Task deleting_another_org_s_finished_job_answers_as_for_an_absent_one_and_keeps_it()
    {
        var (api, _, acmeAdmin, _, defaultJob) = await TwoOrgsAsync();
        await using var _ = api;
        await JobWalker.IntoStateAsync(api.Ledger, defaultJob.Id, JobState.Completed);

        using var response = await api.SendAsync(HttpMethod.Delete, $"v1/jobs/{defaultJob.Id}", acmeAdmin);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
        await Assert.That(await api.Ledger.GetJobAsync(defaultJob.Id)).IsNotNull();
    }

    [Test]
    public async Task a_list_shows_the_caller_s_org_only_and_the_global_admin_every_org()
    {
        var (api, acme, acmeAdmin, acmeJob, defaultJob) = await TwoOrgsAsync();
        await using var _ = api;

        async Task<long[]> IdsAsync(string token)
        {
            using var response = await api.SendAsync(HttpMethod.Get, "v1/jobs?status=all", token);
            return [.. (await ApiServer.ReadAsync(response, RestJsonContext.Default.JobListDto))!.Jobs.Select(j => j.Id)];
        }

        await Assert.That(await IdsAsync(acme)).IsEquivalentTo([acmeJob.Id], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(await IdsAsync(acmeAdmin)).IsEquivalentTo([acmeJob.Id], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(await IdsAsync(api.Bob)).IsEquivalentTo([defaultJob.Id], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(await IdsAsync(api.Admin)).IsEquivalentTo([defaultJob.Id, acmeJob.Id], TUnit.Assertions.Enums.CollectionOrdering.Matching); // newest first
    }

    [Test]
    public async Task an_org_admin_s_bulk_delete_and_cleanup_touch_its_own_org_only()
    {
        var (api, acme, acmeAdmin, acmeJob, defaultJob) = await TwoOrgsAsync();
        await using var _ = api;
        var acmeOld = await api.SubmitAsync(acme);
        var defaultOld = await api.SubmitAsync(api.Bob);
        foreach (var id in new[] { acmeJob.Id, defaultJob.Id, acmeOld.Id, defaultOld.Id })
        {
            await JobWalker.IntoStateAsync(api.Ledger, id, JobState.Completed);
        }

        using (var deleted = await api.SendAsync(HttpMethod.Delete, "v1/jobs?status=completed", acmeAdmin))
        {
            await Assert.That((await ApiServer.ReadAsync(deleted, RestJsonContext.Default.DeletedDto))!.Deleted).IsEqualTo(2);
        }

        await Assert.That(await api.Ledger.GetJobAsync(defaultJob.Id)).IsNotNull();
        await Assert.That(await api.Ledger.GetJobAsync(defaultOld.Id)).IsNotNull();
        await Assert.That(await api.Ledger.GetJobAsync(acmeJob.Id)).IsNull();

        using (var cleaned = await api.SendAsync(HttpMethod.Post, "v1/jobs/cleanup", acmeAdmin, """{"older_than_s":0}"""))
        {
            await Assert.That((await ApiServer.ReadAsync(cleaned, RestJsonContext.Default.DeletedDto))!.Deleted).IsEqualTo(0);
        }

        await Assert.That(await api.Ledger.CountJobsAsync()).IsEqualTo(2);
    }
}
