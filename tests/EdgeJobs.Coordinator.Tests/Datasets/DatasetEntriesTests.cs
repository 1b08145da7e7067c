using System.Net;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Datasets;

/// <summary>The index through REST: pages in path order under a prefix and of a type, and moves of files and folders.</summary>
public class DatasetEntriesTests
{
    private static readonly string[] s_files =
    [
        "readme.txt", "scenes/2024/a.tif", "scenes/2024/b.TIFF", "scenes/2024/notes.txt", "scenes/2025/c.vrt",
        "scenes/2025/roads.geojson", "scenesX/d.tif", "clouds/x.laz", "photos/p1.JPG", "bundle.tar.gz",
    ];

    private static async Task<DatasetHarness> FilledAsync()
    {
        var h = await DatasetHarness.StartAsync();
        var seed = 0;
        foreach (var file in s_files)
        {
            using var put = await h.PutFileAsync(file, DatasetHarness.Bytes(10 + seed, seed++));
            put.EnsureSuccessStatusCode();
        }

        return h;
    }

    private static async Task<(string[] Paths, string? Next)> PageAsync(DatasetHarness h, string query)
    {
        using var response = await h.Api.GetAsync($"{DatasetHarness.Base}/entries{query}", h.Acme);
        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        var page = (await ApiServer.ReadAsync(response, RestJsonContext.Default.DatasetEntryListDto))!;
        return ([.. page.Entries.Select(e => e.Path)], page.NextCursor);
    }

    /// <summary>Every page of a listing, following next_cursor.</summary>
    private static async Task<List<string>> AllAsync(DatasetHarness h, string query, int limit)
    {
        var all = new List<string>();
        string? cursor = null;
        do
        {
            var separator = query.Length == 0 ? "?" : "&";
            var (paths, next) = await PageAsync(h, $"{query}{separator}limit={limit}" + (cursor is null ? "" : "&cursor=" + cursor));
            await Assert.That(paths.Length).IsLessThanOrEqualTo(limit);
            all.AddRange(paths);
            cursor = next;
        }
        while (cursor is not null);
        return all;
    }

    [Test]
    public async Task entries_come_in_path_order_with_their_types_and_page_by_cursor()
    {
        await using var h = await FilledAsync();

        using var response = await h.Api.GetAsync($"{DatasetHarness.Base}/entries", h.Acme);
        var entries = (await ApiServer.ReadAsync(response, RestJsonContext.Default.DatasetEntryListDto))!.Entries;
        await Assert.That(entries.Select(e => e.Path)).IsEquivalentTo(s_files.Order(StringComparer.Ordinal), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        var types = entries.ToDictionary(e => e.Path, e => e.Type);
        await Assert.That(types["scenes/2024/b.TIFF"]).IsEqualTo("raster");
        await Assert.That(types["scenes/2025/roads.geojson"]).IsEqualTo("vector");
        await Assert.That(types["clouds/x.laz"]).IsEqualTo("pointcloud");
        await Assert.That(types["photos/p1.JPG"]).IsEqualTo("image");
        await Assert.That(types["bundle.tar.gz"]).IsEqualTo("archive");
        await Assert.That(types["readme.txt"]).IsEqualTo("other");

        foreach (var limit in new[] { 1, 3, 10, 11 })
        {
            await Assert.That(await AllAsync(h, "", limit)).IsEquivalentTo(s_files.Order(StringComparer.Ordinal), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }
    }

    [Test]
    [Arguments("?prefix=scenes/", new[] { "scenes/2024/a.tif", "scenes/2024/b.TIFF", "scenes/2024/notes.txt", "scenes/2025/c.vrt", "scenes/2025/roads.geojson" })]
    [Arguments("?prefix=scenes", new[] { "scenes/2024/a.tif", "scenes/2024/b.TIFF", "scenes/2024/notes.txt", "scenes/2025/c.vrt", "scenes/2025/roads.geojson", "scenesX/d.tif" })]
    [Arguments("?prefix=scenes/2024/", new[] { "scenes/2024/a.tif", "scenes/2024/b.TIFF", "scenes/2024/notes.txt" })]
    [Arguments("?type=raster", new[] { "scenes/2024/a.tif", "scenes/2024/b.TIFF", "scenes/2025/c.vrt", "scenesX/d.tif" })]
    [Arguments("?prefix=scenes/&type=raster", new[] { "scenes/2024/a.tif", "scenes/2024/b.TIFF", "scenes/2025/c.vrt" })]
    [Arguments("?prefix=scenes/&type=vector", new[] { "scenes/2025/roads.geojson" })]
    [Arguments("?prefix=nothing/", new string[0])]
    public async Task a_prefix_and_a_type_filter_every_page(string query, string[] expected)
    {
        await using var h = await FilledAsync();

        foreach (var limit in new[] { 1, 2, 100 })
        {
            await Assert.That(await AllAsync(h, query, limit)).IsEquivalentTo(expected, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }
    }

    [Test]
    [Arguments("limit=0", "limit")]
    [Arguments("limit=1001", "limit")]
    [Arguments("limit=x", "limit")]
    [Arguments("type=movie", "type")]
    [Arguments("cursor=%%%", "cursor")]
    [Arguments("cursor=Li4", "cursor")]
    [Arguments("prefix=/abs", "prefix")]
    [Arguments("prefix=a/../b", "prefix")]
    [Arguments("sort=name", "sort")]
    public async Task a_bad_query_is_400_naming_the_parameter(string query, string parameter)
    {
        await using var h = await FilledAsync();

        using var response = await h.Api.GetAsync($"{DatasetHarness.Base}/entries?{query}", h.Acme);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(response)).Errors![0].Path).IsEqualTo(parameter);
    }

    [Test]
    public async Task move_renames_a_file_with_its_type_and_a_folder_with_everything_under_it()
    {
        await using var h = await FilledAsync();
        var sha = (await h.Api.Ledger.GetEntryAsync("acme", "survey", "readme.txt"))!.Sha256;

        using (var file = await h.Api.SendAsync(HttpMethod.Post, $"{DatasetHarness.Base}/move", h.Acme, """{"from":"readme.txt","to":"docs/readme.tif"}"""))
        {
            await Assert.That(file.StatusCode).IsEqualTo(HttpStatusCode.OK);
            await Assert.That((await ApiServer.ReadAsync(file, RestJsonContext.Default.MovedDto))!.Moved).IsEqualTo(1);
        }

        var moved = (await h.Api.Ledger.GetEntryAsync("acme", "survey", "docs/readme.tif"))!;
        await Assert.That(moved.Sha256).IsEqualTo(sha);
        await Assert.That(moved.Type).IsEqualTo("raster");
        await Assert.That(await h.Api.Ledger.GetEntryAsync("acme", "survey", "readme.txt")).IsNull();

        using (var folder = await h.Api.SendAsync(HttpMethod.Post, $"{DatasetHarness.Base}/move", h.Acme, """{"from":"scenes","to":"archive/old"}"""))
        {
            await Assert.That(folder.StatusCode).IsEqualTo(HttpStatusCode.OK);
            await Assert.That((await ApiServer.ReadAsync(folder, RestJsonContext.Default.MovedDto))!.Moved).IsEqualTo(5);
        }

        var (paths, _) = await PageAsync(h, "?prefix=archive/");
        await Assert.That(paths).IsEquivalentTo(["archive/old/2024/a.tif", "archive/old/2024/b.TIFF", "archive/old/2024/notes.txt", "archive/old/2025/c.vrt", "archive/old/2025/roads.geojson"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(Directory.Exists(Path.Combine(h.DatasetDir, "scenes"))).IsFalse();
        await Assert.That((await PageAsync(h, "?prefix=scenesX/")).Paths).IsEquivalentTo(["scenesX/d.tif"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        using var get = await h.GetFileAsync("archive/old/2025/c.vrt");
        await Assert.That(await get.Content.ReadAsByteArrayAsync()).IsEquivalentTo(DatasetHarness.Bytes(14, 4), TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    [Arguments("""{"from":"nope.tif","to":"x.tif"}""", 404, "entry_not_found")]
    [Arguments("""{"from":"readme.txt","to":"bundle.tar.gz"}""", 409, "entry_exists")]
    [Arguments("""{"from":"readme.txt","to":"scenes"}""", 409, "path_conflict")]
    [Arguments("""{"from":"readme.txt","to":"bundle.tar.gz/x"}""", 409, "path_conflict")]
    [Arguments("""{"from":"scenes","to":"scenes/inner"}""", 400, "invalid_path")]
    [Arguments("""{"from":"readme.txt"}""", 400, "invalid_body")]
    [Arguments("""{"from":"readme.txt","to":"x.txt","overwrite":true}""", 400, "invalid_body")]
    [Arguments("""{"from":"readme.txt","to":""}""", 400, "invalid_path")]
    [Arguments("""[1]""", 400, "invalid_body")]
    [Arguments("""{"from":"readme.txt",""", 400, "invalid_json")]
    public async Task a_move_that_cannot_be_done_says_why_and_changes_nothing(string body, int status, string code)
    {
        await using var h = await FilledAsync();
        var before = await h.StateAsync();

        using var response = await h.Api.SendAsync(HttpMethod.Post, $"{DatasetHarness.Base}/move", h.Acme, body);

        await Assert.That((int)response.StatusCode).IsEqualTo(status);
        await Assert.That((await ApiServer.ProblemAsync(response)).ErrorCode).IsEqualTo(code);
        await Assert.That(await h.StateAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task an_oversized_move_body_is_413_and_changes_nothing()
    {
        await using var h = await FilledAsync();
        var before = await h.StateAsync();
        var huge = """{"from":"readme.txt","to":"x.txt","pad":""" + "\"" + new string('x', 3 << 20) + "\"}";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{DatasetHarness.Base}/move")
        {
            Content = new StringContent(huge, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", h.Acme);
        request.Headers.ExpectContinue = true;

        using var response = await h.Api.Http.SendAsync(request);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.RequestEntityTooLarge);
        await Assert.That((await ApiServer.ProblemAsync(response)).ErrorCode).IsEqualTo("body_too_large");
        await Assert.That(await h.StateAsync()).IsEqualTo(before);
    }
}
