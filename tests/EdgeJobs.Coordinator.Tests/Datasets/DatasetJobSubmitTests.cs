using System.Net;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Datasets;

/// <summary>
/// Submitting a job on a dataset (<c>"dataset": "org/ds"</c>): its paths are entries, checked at submit against the
/// index; every refusal is a 400 naming the field (403 for a missing scope, 404 for a dataset the caller cannot see)
/// and leaves the ledger without a job.
/// </summary>
public class DatasetJobSubmitTests
{
    private static string Export(string dataset, string paramsJson, string? labels = null) =>
        $$"""{"tool":"raster-export","dataset":"{{dataset}}","params":{{paramsJson}}{{(labels is null ? "" : ",\"node_labels\":" + labels)}}}""";

    private static async Task<DatasetHarness> WithSceneAsync()
    {
        var h = await DatasetHarness.StartAsync();
        (await h.PutFileAsync("scenes/a.tif", DatasetHarness.Bytes(100, 1))).Dispose();
        (await h.PutFileAsync("out/taken.tif", DatasetHarness.Bytes(10, 2))).Dispose();
        return h;
    }

    [Test]
    public async Task a_job_on_a_dataset_names_it_resolves_its_input_and_is_in_the_dataset_s_org()
    {
        await using var h = await WithSceneAsync();

        using var submitted = await h.Api.SendAsync(HttpMethod.Post, "v1/jobs", h.AcmeJobs, Export("acme/survey", """{"path":"scenes/a.tif","output":"out/ndvi.tif","formula":"ndvi"}"""));

        await Assert.That(submitted.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        var job = (await ApiServer.ReadAsync(submitted, RestJsonContext.Default.JobDto))!;
        await Assert.That(job.Dataset).IsEqualTo("acme/survey");
        await Assert.That(job.Org).IsEqualTo("acme");
        await Assert.That(job.Warnings).IsNull();
        var row = (await h.Api.Ledger.GetJobAsync(job.Id))!;
        await Assert.That(row.Dataset).IsEqualTo("survey");
    }

    public static IEnumerable<Func<(string Body, string Field)>> Refusals()
    {
        yield return () => (Export("acme", """{"path":"scenes/a.tif"}"""), "$.dataset");
        yield return () => (Export("acme/Survey", """{"path":"scenes/a.tif"}"""), "$.dataset");
        yield return () => (Export("acme/survey/x", """{"path":"scenes/a.tif"}"""), "$.dataset");
        yield return () => (Export("acme/survey", """{"path":"scenes/missing.tif"}"""), "$.params.path");
        yield return () => (Export("acme/survey", """{"path":"../survey/scenes/a.tif"}"""), "$.params.path");
        yield return () => (Export("acme/survey", """{"path":"/etc/passwd"}"""), "$.params.path");
        yield return () => (Export("acme/survey", """{"path":"scenes"}"""), "$.params.path");
        yield return () => (Export("acme/survey", """{"path":"scenes/a\u0001.tif"}"""), "$.params.path");
        yield return () => (Export("acme/survey", """{"path":"scenes/a.tif","output":"out/taken.tif"}"""), "$.params.output");
        yield return () => (Export("acme/survey", """{"path":"scenes/a.tif","output":"out/../../x.tif"}"""), "$.params.output");
        yield return () => (Export("acme/survey", """{"path":"scenes/a.tif","output":"scenes/a.tif/b.tif","overwrite":true}"""), "$.params.output");
        yield return () => (Export("acme/survey", """{"path":"scenes/a.tif","output":"out/n.png"}"""), "$.params.output");
        yield return () => (Export("acme/survey", """{"path":"scenes/a.tif"}""", """{"bad key":"x"}"""), "$.node_labels");
        yield return () => (Export("acme/survey", """{"path":"scenes/a.tif"}""", """{"site":""}"""), "$.node_labels.site");
    }

    [Test]
    [MethodDataSource(nameof(Refusals))]
    public async Task a_bad_dataset_or_path_is_a_400_naming_the_field_and_adds_no_job(string body, string field)
    {
        await using var h = await WithSceneAsync();
        var before = await h.StateAsync();

        using var refused = await h.Api.SendAsync(HttpMethod.Post, "v1/jobs", h.AcmeJobs, body);

        await Assert.That(refused.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        var problem = await ApiServer.ProblemAsync(refused);
        await Assert.That(problem.Errors!.Select(e => e.Path)).Contains(field);
        await Assert.That((await h.Api.Ledger.ListJobsAsync(new EdgeJobs.Coordinator.Ledger.JobQuery { States = JobStates.All })).Jobs.Count).IsEqualTo(0);
        await Assert.That(await h.StateAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task another_org_s_dataset_is_404_and_a_missing_scope_is_403()
    {
        await using var h = await WithSceneAsync();
        var zetaJobs = await h.Api.MintInOrgAsync("zoe", "zeta", Scopes.JobsWrite, Scopes.DatasetsRead, Scopes.DatasetsWrite);
        var acmeJobsOnly = await h.Api.MintInOrgAsync("jo", "acme", Scopes.JobsWrite);
        var acmeReadOnly = await h.Api.MintInOrgAsync("ro", "acme", Scopes.JobsWrite, Scopes.DatasetsRead);
        var narrowed = TokenSecrets.Generate();
        await h.Api.Ledger.CreateTokenAsync("nn", [Scopes.JobsWrite, Scopes.DatasetsRead], TokenSecrets.Hash(narrowed), "acme", ["other"]);

        using (var other = await h.Api.SendAsync(HttpMethod.Post, "v1/jobs", zetaJobs, Export("acme/survey", """{"path":"scenes/a.tif"}""")))
        {
            await Assert.That(other.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
            await Assert.That((await ApiServer.ProblemAsync(other)).ErrorCode).IsEqualTo("dataset_not_found");
        }

        using (var missing = await h.Api.SendAsync(HttpMethod.Post, "v1/jobs", h.AcmeJobs, Export("acme/nothing", """{"path":"scenes/a.tif"}""")))
        {
            await Assert.That(missing.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        }

        using (var noDatasetScope = await h.Api.SendAsync(HttpMethod.Post, "v1/jobs", acmeJobsOnly, Export("acme/survey", """{"path":"scenes/a.tif"}""")))
        {
            await Assert.That(noDatasetScope.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        }

        using (var noWrite = await h.Api.SendAsync(HttpMethod.Post, "v1/jobs", acmeReadOnly, Export("acme/survey", """{"path":"scenes/a.tif","output":"out/n.tif"}""")))
        {
            await Assert.That(noWrite.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        }

        using (var readOnlyRead = await h.Api.SendAsync(HttpMethod.Post, "v1/jobs", acmeReadOnly, Export("acme/survey", """{"path":"scenes/a.tif"}""")))
        {
            await Assert.That(readOnlyRead.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        }

        using (var notNamed = await h.Api.SendAsync(HttpMethod.Post, "v1/jobs", narrowed, Export("acme/survey", """{"path":"scenes/a.tif"}""")))
        {
            await Assert.That(notNamed.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        }
    }

    [Test]
    public async Task a_dataset_with_an_active_job_cannot_be_deleted_until_the_job_ends()
    {
        await using var h = await WithSceneAsync();
        using var submitted = await h.Api.SendAsync(HttpMethod.Post, "v1/jobs", h.AcmeJobs, Export("acme/survey", """{"path":"scenes/a.tif"}"""));
        var job = (await ApiServer.ReadAsync(submitted, RestJsonContext.Default.JobDto))!;

        using (var refused = await h.Api.SendAsync(HttpMethod.Delete, DatasetHarness.Base, h.Acme))
        {
            await Assert.That(refused.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
            await Assert.That((await ApiServer.ProblemAsync(refused)).ErrorCode).IsEqualTo("dataset_in_use");
        }

        (await h.Api.SendAsync(HttpMethod.Post, $"v1/jobs/{job.Id}/stop", h.AcmeJobs)).Dispose();
        using var deleted = await h.Api.SendAsync(HttpMethod.Delete, DatasetHarness.Base, h.Acme);
        await Assert.That(deleted.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
    }

    [Test]
    public async Task node_labels_without_a_dataset_skip_the_coordinator_s_path_check_and_say_so()
    {
        await using var h = await WithSceneAsync();

        using var submitted = await h.Api.SendAsync(HttpMethod.Post, "v1/jobs", h.Api.Bob,
            """{"tool":"raster-export","params":{"path":"survey/only-on-the-laptop.tif"},"node_labels":{"site":"farm-7"}}""");

        await Assert.That(submitted.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        var job = (await ApiServer.ReadAsync(submitted, RestJsonContext.Default.JobDto))!;
        await Assert.That(job.NodeLabels!["site"]).IsEqualTo("farm-7");
        await Assert.That(job.Warnings!.Single()).Contains("cannot check");

        using var traversal = await h.Api.SendAsync(HttpMethod.Post, "v1/jobs", h.Api.Bob,
            """{"tool":"raster-export","params":{"path":"../etc/x.tif"},"node_labels":{"site":"farm-7"}}""");
        await Assert.That(traversal.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
    }
}
