using System.Net;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Datasets;

/// <summary>Datasets themselves: create (201, then 200), list per org, delete with its files, and no delete while a job uses it.</summary>
public class DatasetLifecycleTests
{
    [Test]
    public async Task create_answers_201_with_the_dataset_and_200_when_it_exists_keeping_its_entries()
    {
        await using var h = await DatasetHarness.StartAsync();
        using (var first = await h.Api.SendAsync(HttpMethod.Put, "v1/datasets/acme/photos", h.Acme, """{"byte_quota":1000}"""))
        {
            await Assert.That(first.StatusCode).IsEqualTo(HttpStatusCode.Created);
            await Assert.That(first.Headers.Location!.ToString()).IsEqualTo("/v1/datasets/acme/photos");
            var dto = (await ApiServer.ReadAsync(first, RestJsonContext.Default.DatasetDto))!;
            await Assert.That(dto.Org).IsEqualTo("acme");
            await Assert.That(dto.Name).IsEqualTo("photos");
            await Assert.That(dto.ByteQuota).IsEqualTo(1000);
        }

        (await h.SendAsync(HttpMethod.Put, "v1/datasets/acme/photos/files/a.jpg", h.Acme, new ByteArrayContent([1, 2, 3]))).Dispose();
        using var again = await h.Api.SendAsync(HttpMethod.Put, "v1/datasets/acme/photos", h.Acme);

        await Assert.That(again.StatusCode).IsEqualTo(HttpStatusCode.OK);
        var existing = (await ApiServer.ReadAsync(again, RestJsonContext.Default.DatasetDto))!;
        await Assert.That(existing.Entries).IsEqualTo(1);
        await Assert.That(existing.BytesUsed).IsEqualTo(3);
        await Assert.That(existing.ByteQuota).IsEqualTo(1000);
    }

    [Test]
    public async Task a_list_shows_the_caller_s_org_and_another_org_s_list_is_empty()
    {
        await using var h = await DatasetHarness.StartAsync();
        (await h.Api.SendAsync(HttpMethod.Put, "v1/datasets/zeta/maps", h.Zeta)).Dispose();

        async Task<string[]> NamesAsync(string token, string query = "")
        {
            using var response = await h.Api.GetAsync("v1/datasets" + query, token);
            await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
            return [.. (await ApiServer.ReadAsync(response, RestJsonContext.Default.DatasetListDto))!.Datasets.Select(d => $"{d.Org}/{d.Name}")];
        }

        await Assert.That(await NamesAsync(h.Acme)).IsEquivalentTo(["acme/survey"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(await NamesAsync(h.Acme, "?org=acme")).IsEquivalentTo(["acme/survey"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(await NamesAsync(h.Acme, "?org=zeta")).IsEmpty();
        await Assert.That(await NamesAsync(h.Zeta)).IsEquivalentTo(["zeta/maps"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(await NamesAsync(h.Api.Admin)).IsEquivalentTo(["acme/survey", "zeta/maps"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(await NamesAsync(h.Api.Admin, "?org=zeta")).IsEquivalentTo(["zeta/maps"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task the_list_pages_by_org_and_name_to_the_end_and_a_bad_page_is_a_400_naming_it()
    {
        await using var h = await DatasetHarness.StartAsync();
        foreach (var name in new[] { "e", "b", "d", "a", "c" })
        {
            (await h.Api.SendAsync(HttpMethod.Put, $"v1/datasets/acme/{name}", h.Acme)).Dispose();
        }

        (await h.Api.SendAsync(HttpMethod.Put, "v1/datasets/zeta/maps", h.Zeta)).Dispose();

        async Task<List<string>> WalkAsync(string token, string query)
        {
            var seen = new List<string>();
            string? cursor = null;
            do
            {
                using var response = await h.Api.GetAsync($"v1/datasets?limit=2{query}{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}", token);
                await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
                var page = (await ApiServer.ReadAsync(response, RestJsonContext.Default.DatasetListDto))!;
                await Assert.That(page.Datasets.Count).IsLessThanOrEqualTo(2);
                seen.AddRange(page.Datasets.Select(d => $"{d.Org}/{d.Name}"));
                cursor = page.NextCursor;
            }
            while (cursor is not null);
            return seen;
        }

        // acme/survey comes with the harness.
        await Assert.That(await WalkAsync(h.Acme, "")).IsEquivalentTo(["acme/a", "acme/b", "acme/c", "acme/d", "acme/e", "acme/survey"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(await WalkAsync(h.Api.Admin, "")).IsEquivalentTo(["acme/a", "acme/b", "acme/c", "acme/d", "acme/e", "acme/survey", "zeta/maps"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        // A cursor of another org's dataset pages nothing of it: the org filter still holds.
        await Assert.That(await WalkAsync(h.Zeta, "&cursor=acme/a")).IsEquivalentTo(["zeta/maps"], TUnit.Assertions.Enums.CollectionOrdering.Matching);

        foreach (var (query, field) in new[] { ("?limit=0", "limit"), ("?limit=1001", "limit"), ("?limit=x", "limit"), ("?cursor=nope", "cursor"), ("?cursor=a/b/c", "cursor"), ("?cursor=ACME/a", "cursor"), ("?page=2", "page") })
        {
            using var bad = await h.Api.GetAsync("v1/datasets" + query, h.Acme);
            await Assert.That(bad.StatusCode).IsEqualTo(HttpStatusCode.BadRequest).Because(query);
            await Assert.That((await ApiServer.ProblemAsync(bad)).Errors!.Single().Path).IsEqualTo(field).Because(query);
        }
    }

    [Test]
    public async Task delete_removes_the_dataset_its_index_and_its_files_and_a_new_one_starts_empty()
    {
        await using var h = await DatasetHarness.StartAsync();
        (await h.PutFileAsync("scenes/a.tif", [1, 2, 3])).Dispose();
        await Assert.That(File.Exists(Path.Combine(h.DatasetDir, "scenes", "a.tif"))).IsTrue();

        using (var deleted = await h.Api.SendAsync(HttpMethod.Delete, DatasetHarness.Base, h.Acme))
        {
            await Assert.That(deleted.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
        }

        await Assert.That(Directory.Exists(h.DatasetDir)).IsFalse();
        await Assert.That(await h.Api.Ledger.GetEntryAsync("acme", "survey", "scenes/a.tif")).IsNull();
        using (var gone = await h.Api.GetAsync(DatasetHarness.Base, h.Acme))
        {
            await Assert.That(gone.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
            await Assert.That((await ApiServer.ProblemAsync(gone)).ErrorCode).IsEqualTo("dataset_not_found");
        }

        using (var again = await h.Api.SendAsync(HttpMethod.Delete, DatasetHarness.Base, h.Acme))
        {
            await Assert.That(again.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        }

        using var recreated = await h.Api.SendAsync(HttpMethod.Put, DatasetHarness.Base, h.Acme);
        await Assert.That(recreated.StatusCode).IsEqualTo(HttpStatusCode.Created);
        await Assert.That((await ApiServer.ReadAsync(recreated, RestJsonContext.Default.DatasetDto))!.Entries).IsEqualTo(0);
    }

    [Test]
    public async Task delete_is_refused_with_409_while_an_active_job_names_the_dataset_and_allowed_once_it_ended()
    {
        await using var h = await DatasetHarness.StartAsync();
        (await h.PutFileAsync("a.tif", [1])).Dispose();
        var job = await h.Api.Ledger.SubmitAsync(new NewJob
        {
            Tool = "sleep",
            ToolVersion = "1",
            Params = """{"seconds":1}""",
            Owner = "ann",
            Org = "acme",
            Dataset = "survey",
        });
        var before = await h.StateAsync();

        using (var refused = await h.Api.SendAsync(HttpMethod.Delete, DatasetHarness.Base, h.Acme))
        {
            await Assert.That(refused.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
            await Assert.That((await ApiServer.ProblemAsync(refused)).ErrorCode).IsEqualTo("dataset_in_use");
        }

        await Assert.That(await h.StateAsync()).IsEqualTo(before);
        await JobWalker.IntoStateAsync(h.Api.Ledger, job.Id, EdgeJobs.Protocol.Jobs.JobState.Completed);
        using var allowed = await h.Api.SendAsync(HttpMethod.Delete, DatasetHarness.Base, h.Acme);
        await Assert.That(allowed.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
    }
}
