using System.Net;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Datasets;

/// <summary>
/// Who may do what: <c>datasets:read</c> reads, <c>datasets:write</c> writes, job scopes give neither (an
/// admin's give both); another org's dataset does not exist for the caller (404), and the global admin token
/// acts on every org's.
/// </summary>
public class DatasetAuthTests
{
    public enum Needs { Read, Write }

    public static IEnumerable<Func<(string Method, string Path, string? Body, Needs Needs)>> Endpoints()
    {
        yield return () => ("GET", "v1/datasets", null, Needs.Read);
        yield return () => ("PUT", "v1/datasets/{org}/survey", null, Needs.Write);
        yield return () => ("GET", "v1/datasets/{org}/survey", null, Needs.Read);
        yield return () => ("DELETE", "v1/datasets/{org}/survey", null, Needs.Write);
        yield return () => ("GET", "v1/datasets/{org}/survey/entries", null, Needs.Read);
        yield return () => ("POST", "v1/datasets/{org}/survey/move", """{"from":"a.tif","to":"b.tif"}""", Needs.Write);
        yield return () => ("PUT", "v1/datasets/{org}/survey/files/c.tif", "{}", Needs.Write);
        yield return () => ("GET", "v1/datasets/{org}/survey/files/a.tif", null, Needs.Read);
        yield return () => ("HEAD", "v1/datasets/{org}/survey/files/a.tif", null, Needs.Read);
        yield return () => ("DELETE", "v1/datasets/{org}/survey/files/a.tif", null, Needs.Write);
    }

    [Test]
    [MethodDataSource(nameof(Endpoints))]
    public async Task every_endpoint_is_401_without_a_token_403_without_its_scope_and_open_to_it(string method, string path, string? body, Needs needs)
    {
        await using var h = await DatasetHarness.StartAsync();
        (await h.PutFileAsync("a.tif", [1, 2, 3])).Dispose();
        var url = path.Replace("{org}", "acme", StringComparison.Ordinal);
        var verb = new HttpMethod(method);
        var before = await h.StateAsync();

        using (var none = await h.Api.SendAsync(verb, url, null, body))
        {
            await Assert.That(none.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
        }

        var wrong = needs == Needs.Read ? h.AcmeWriter : h.AcmeReader;
        foreach (var token in new[] { wrong, h.Api.Bob, h.Api.Agent })
        {
            using var forbidden = await h.Api.SendAsync(verb, url, token, body);
            await Assert.That(forbidden.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        }

        await Assert.That(await h.StateAsync()).IsEqualTo(before);
        var right = needs == Needs.Read ? h.AcmeReader : h.AcmeWriter;
        using var allowed = await h.Api.SendAsync(verb, url, right, body);
        await Assert.That((int)allowed.StatusCode / 100).IsEqualTo(2);
    }

    [Test]
    [MethodDataSource(nameof(Endpoints))]
    public async Task another_org_s_dataset_is_404_as_if_it_did_not_exist_and_is_left_alone(string method, string path, string? body, Needs needs)
    {
        await using var h = await DatasetHarness.StartAsync();
        (await h.PutFileAsync("a.tif", [1, 2, 3])).Dispose();
        var before = await h.StateAsync();
        if (path == "v1/datasets")
        {
            return;
        }

        using var response = await h.Api.SendAsync(new HttpMethod(method), path.Replace("{org}", "acme", StringComparison.Ordinal), h.Zeta, body);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        if (method != "HEAD")
        {
            await Assert.That((await ApiServer.ProblemAsync(response)).ErrorCode).IsEqualTo("dataset_not_found");
        }

        await Assert.That(await h.StateAsync()).IsEqualTo(before);
        _ = needs;
    }

    [Test]
    public async Task the_global_admin_token_and_an_org_admin_act_on_datasets_the_org_admin_in_its_org_only()
    {
        await using var h = await DatasetHarness.StartAsync();
        var zetaAdmin = await h.Api.MintInOrgAsync("zeta-admin", "zeta", EdgeJobs.Protocol.Jobs.Scopes.JobsAdmin);

        using (var global = await h.PutFileAsync("by-admin.tif", [1], token: h.Api.Admin))
        {
            await Assert.That(global.StatusCode).IsEqualTo(HttpStatusCode.Created);
        }

        using (var own = await h.Api.SendAsync(HttpMethod.Put, "v1/datasets/zeta/maps", zetaAdmin))
        {
            await Assert.That(own.StatusCode).IsEqualTo(HttpStatusCode.Created);
        }

        using var other = await h.GetFileAsync("by-admin.tif", token: zetaAdmin);
        await Assert.That(other.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task a_token_narrowed_to_named_datasets_sees_only_those_others_are_404()
    {
        await using var h = await DatasetHarness.StartAsync();
        (await h.Api.SendAsync(HttpMethod.Put, "v1/datasets/acme/photos", h.Acme)).Dispose();
        (await h.PutFileAsync("a.tif", [1])).Dispose();
        var secret = EdgeJobs.Coordinator.Auth.TokenSecrets.Generate();
        await h.Api.Ledger.CreateTokenAsync("narrow", [EdgeJobs.Protocol.Jobs.Scopes.DatasetsRead, EdgeJobs.Protocol.Jobs.Scopes.DatasetsWrite],
            EdgeJobs.Coordinator.Auth.TokenSecrets.Hash(secret), "acme", ["photos"]);
        var before = await h.StateAsync();

        using (var list = await h.Api.GetAsync("v1/datasets", secret))
        {
            var names = (await ApiServer.ReadAsync(list, EdgeJobs.Protocol.Rest.RestJsonContext.Default.DatasetListDto))!.Datasets.Select(d => d.Name);
            await Assert.That(names).IsEquivalentTo(["photos"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }

        foreach (var (method, path) in new[] { ("GET", DatasetHarness.Base), ("GET", $"{DatasetHarness.Base}/files/a.tif"), ("DELETE", $"{DatasetHarness.Base}/files/a.tif"), ("DELETE", DatasetHarness.Base), ("PUT", "v1/datasets/acme/other") })
        {
            using var response = await h.Api.SendAsync(new HttpMethod(method), path, secret);
            await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        }

        await Assert.That(await h.StateAsync()).IsEqualTo(before);
        using var own = await h.SendAsync(HttpMethod.Put, "v1/datasets/acme/photos/files/p.jpg", secret, new ByteArrayContent([2]));
        await Assert.That(own.StatusCode).IsEqualTo(HttpStatusCode.Created);
    }
}
