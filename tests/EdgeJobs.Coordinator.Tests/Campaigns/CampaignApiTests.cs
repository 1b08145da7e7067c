using System.Net;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;
using static EdgeJobs.Coordinator.Tests.Campaigns.CampaignCalls;

namespace EdgeJobs.Coordinator.Tests.Campaigns;

/// <summary>
/// Campaigns over REST (design §8.4): batches walk a catalog page by page from a deterministic cursor, one child per
/// record; the cursor continues without reprocessing; one batch at a time; the aggregate comes from counters.
/// </summary>
public class CampaignApiTests
{
    [Test]
    public async Task three_batches_walk_a_data_root_folder_in_path_order_and_each_continues_where_the_last_ended()
    {
        await using var api = await ApiServer.StartAsync();
        foreach (var i in new[] { 3, 1, 7, 5, 2, 6, 4 })
        {
            api.WriteInput($"scenes/s{i}.tif", "x");
        }

        api.WriteInput("scenes/notes.txt", "not a record");
        await CreateAsync(api, api.Bob, """
            {"id":"walk","title":"Walk","source":{"type":"data_root","root":"scenes","glob":"*.tif"},
             "template":{"tool":"info","params":{"path":"{record.path}"}},"campaign_total_children":7}
            """);

        var seen = new List<string>();
        foreach (var (expectedNext, count) in new (long?, int)[] { (4, 3), (7, 3), (null, 1) })
        {
            var batch = await BatchAsync(api, api.Bob, "walk", """{"max_records":3}""");
            await Assert.That(batch.Batch!.Records).IsEqualTo(count);
            await Assert.That(batch.Batch.NextStartPosition).IsEqualTo(expectedNext);
            await Assert.That(batch.Status).IsEqualTo("running");

            // One batch at a time: the next waits for this one's children.
            using (var again = await api.SendAsync(HttpMethod.Post, "v1/campaigns/walk/batches", api.Bob, "{}"))
            {
                await Assert.That(again.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
                var problem = await ApiServer.ProblemAsync(again);
                await Assert.That(problem.ErrorCode).IsEqualTo("batch_active");
                await Assert.That(problem.Detail).Contains($"batch job {batch.Id}");
            }

            var children = await ChildrenAsync(api, api.Bob, "walk", batch.Id);
            await Assert.That(children.Count).IsEqualTo(count);
            seen.AddRange(children.Select(c => Param(c, "path")));
            await CompleteAsync(api, children);
            var done = (await api.Ledger.GetJobAsync(batch.Id))!;
            await Assert.That(done.JobState).IsEqualTo(JobState.Completed);
        }

        await Assert.That(seen).IsEquivalentTo(Enumerable.Range(1, 7).Select(i => $"scenes/s{i}.tif").ToList(), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(seen).IsOrderedBy(s => s, StringComparer.Ordinal);

        var campaign = await GetAsync(api, api.Bob, "walk");
        await Assert.That(campaign.TotalChildren).IsEqualTo(7);
        await Assert.That(campaign.Children["completed"]).IsEqualTo(7);
        await Assert.That(campaign.Children["scheduled"]).IsEqualTo(0);
        await Assert.That(campaign.Percent).IsEqualTo(100);
        await Assert.That(campaign.Batches).IsEqualTo(3);
        await Assert.That(campaign.Exhausted).IsTrue();
        await Assert.That(campaign.NextStartPosition).IsNull();
        await Assert.That(campaign.LatestBatch!.StartPosition).IsEqualTo(7);
        await Assert.That(campaign.LatestBatch.Records).IsEqualTo(1);
        await Assert.That(campaign.ActiveBatch).IsNull();

        // The batches, newest first, a page at a time.
        using (var first = await api.GetAsync("v1/campaigns/walk/batches?limit=2", api.Bob))
        {
            var page = (await ApiServer.ReadAsync(first, RestJsonContext.Default.BatchListDto))!;
            await Assert.That(page.Batches.Select(b => b.StartPosition).ToArray()).IsEquivalentTo([7L, 4L], TUnit.Assertions.Enums.CollectionOrdering.Matching);
            await Assert.That(page.NextCursor).IsNotNull();
            using var second = await api.GetAsync($"v1/campaigns/walk/batches?limit=2&cursor={page.NextCursor}", api.Bob);
            var rest = (await ApiServer.ReadAsync(second, RestJsonContext.Default.BatchListDto))!;
            await Assert.That(rest.Batches.Select(b => b.StartPosition).ToArray()).IsEquivalentTo([1L], TUnit.Assertions.Enums.CollectionOrdering.Matching);
            await Assert.That(rest.NextCursor).IsNull();
        }

        using var exhausted = await api.SendAsync(HttpMethod.Post, "v1/campaigns/walk/batches", api.Bob, "{}");
        await Assert.That((await ApiServer.ProblemAsync(exhausted)).ErrorCode).IsEqualTo("campaign_exhausted");
    }

    [Test]
    public async Task a_dataset_listing_gives_its_entries_in_path_order_filtered_by_the_glob_and_children_work_on_the_dataset()
    {
        await using var datasets = await Datasets.DatasetHarness.StartAsync();
        var api = datasets.Api;
        foreach (var path in new[] { "flights/b/2.tif", "flights/a/1.tif", "flights/a/notes.txt", "other/3.tif", "flights/c.tif" })
        {
            using var put = await datasets.PutFileAsync(path, [1, 2, 3]);
            put.EnsureSuccessStatusCode();
        }

        var created = await CreateAsync(api, datasets.AcmeJobs, """
            {"id":"survey","source":{"type":"dataset","dataset":"survey","glob":"flights/**/*.tif"},
             "template":{"tool":"info","dataset":"acme/survey","params":{"path":"{record.path}"}}}
            """);
        await Assert.That(created.Org).IsEqualTo("acme");
        var batch = await BatchAsync(api, datasets.AcmeJobs, "survey", """{"max_records":2}""");
        var rest = await ChildrenAsync(api, datasets.AcmeJobs, "survey", batch.Id);
        await Assert.That(rest.Select(c => Param(c, "path")).ToArray()).IsEquivalentTo(new[] { "flights/a/1.tif", "flights/b/2.tif" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(rest.All(c => c.Dataset == "acme/survey" && c.Org == "acme" && c.Status == "scheduled")).IsTrue();
        await Assert.That(batch.Batch!.NextStartPosition).IsEqualTo(3);
        await CompleteAsync(api, rest);

        var last = await BatchAsync(api, datasets.AcmeJobs, "survey", """{"max_records":2}""");
        await Assert.That(Param((await ChildrenAsync(api, datasets.AcmeJobs, "survey", last.Id)).Single(), "path")).IsEqualTo("flights/c.tif");
        await Assert.That(last.Batch!.NextStartPosition).IsNull();
        await Assert.That(last.Batch.Matched).IsEqualTo(3);

        // Another org neither sees the campaign nor may list the dataset through one.
        using var hidden = await api.GetAsync("v1/campaigns/survey", datasets.Zeta);
        await Assert.That(hidden.StatusCode).IsEqualTo(HttpStatusCode.Forbidden); // a datasets-only token: no jobs scope
        var zetaJobs = await api.MintInOrgAsync("zoe", "zeta", Scopes.JobsRead, Scopes.JobsWrite, Scopes.DatasetsRead);
        using var otherOrg = await api.GetAsync("v1/campaigns/survey", zetaJobs);
        await Assert.That(otherOrg.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        using var borrow = await api.SendAsync(HttpMethod.Post, "v1/campaigns", zetaJobs,
            """{"id":"borrow","source":{"type":"dataset","dataset":"acme/survey"},"template":{"tool":"info","params":{"path":"{record.path}"}}}""");
        await Assert.That((await ApiServer.ProblemAsync(borrow)).Errors!.Single().Path).IsEqualTo("$.source.dataset");
    }

    [Test]
    public async Task a_batch_away_from_the_cursor_is_refused_unless_forced()
    {
        await using var api = await ApiServer.StartAsync();
        api.WriteInput("a/1.tif", "x");
        api.WriteInput("a/2.tif", "x");
        await CreateAsync(api, api.Bob, """{"id":"c","source":{"type":"data_root","root":"a"},"template":{"tool":"info","params":{"path":"{record.path}"}}}""");
        var before = await api.SnapshotAsync();

        using var wrong = await api.SendAsync(HttpMethod.Post, "v1/campaigns/c/batches", api.Bob, """{"start_position":2}""");

        await Assert.That(wrong.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        var problem = await ApiServer.ProblemAsync(wrong);
        await Assert.That(problem.ErrorCode).IsEqualTo("wrong_start_position");
        await Assert.That(problem.Errors!.Single().Path).IsEqualTo("$.start_position");
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);

        var forced = await BatchAsync(api, api.Bob, "c", """{"start_position":2,"force":true}""");
        await Assert.That(forced.Batch!.Forced).IsTrue();
        await Assert.That(Param((await ChildrenAsync(api, api.Bob, "c", forced.Id)).Single(), "path")).IsEqualTo("a/2.tif");
    }

    [Test]
    public async Task a_csw_catalog_is_read_page_by_page_as_pycsw_answers_each_record_once()
    {
        await using var csw = await CatalogServer.StartAsync();
        await using var api = await ApiServer.StartAsync(configure: o => o with { CatalogAllow = ["127.0.0.1"] });
        AddEcho(api);
        await CreateAsync(api, api.Bob, J("""
            {"id":"cite","source":{"type":"csw","url":"@0@","sort_by":"dc:type:D"},
             "template":{"tool":"print-value","params":{"value":"{record.position} {record.id}"}},"public":true}
            """, csw.Csw));

        var ids = new List<string>();
        foreach (var (start, next) in new (long, long?)[] { (1, 5), (5, 9), (9, null) })
        {
            var batch = await BatchAsync(api, api.Bob, "cite", """{"max_records":4}""");
            await Assert.That(batch.Batch!.StartPosition).IsEqualTo(start);
            await Assert.That(batch.Batch.Matched).IsEqualTo(12);
            await Assert.That(batch.Batch.NextStartPosition).IsEqualTo(next);
            var children = await ChildrenAsync(api, api.Bob, "cite", batch.Id);
            await Assert.That(children.Count).IsEqualTo(4);
            for (var i = 0; i < 4; i++)
            {
                await Assert.That(Param(children[i], "value")).StartsWith($"{start + i} urn:uuid:");
            }

            ids.AddRange(children.Select(c => Param(c, "value").Split(' ')[1]));
            await CompleteAsync(api, children);
        }

        // Page 1 of the recording: 3 Text records sorted by dc:type descending, then a Service.
        await Assert.That(ids.Take(2).ToArray()).IsEquivalentTo(new[] { "urn:uuid:66ae76b7-54ba-489b-a582-0f0633d96493", "urn:uuid:784e2afd-a9fd-44a6-9a92-a3848371c8ec" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(ids.Distinct().Count()).IsEqualTo(12);
        var campaign = await GetAsync(api, null, "cite"); // public: no token needed
        await Assert.That(campaign.Children["completed"]).IsEqualTo(12);
        await Assert.That(campaign.Exhausted).IsTrue();
    }

    [Test]
    public async Task csw_by_post_reads_dublin_core_and_iso_19139_records_and_a_server_page_shorter_than_asked_is_followed()
    {
        await using var csw = await CatalogServer.StartAsync();
        await using var api = await ApiServer.StartAsync(configure: o => o with { CatalogAllow = ["127.0.0.1"] });
        AddEcho(api);
        await CreateAsync(api, api.Bob, J("""
            {"id":"iso","source":{"type":"csw","url":"@0@","type_names":"gmd:MD_Metadata","method":"post"},
             "template":{"tool":"print-value","params":{"value":"{record.id}|{record.href}"}}}
            """, csw.Csw));
        var iso = await BatchAsync(api, api.Bob, "iso", """{"max_records":5}""");
        await Assert.That(iso.Batch!.Records).IsEqualTo(5);
        await Assert.That(iso.Batch.Matched).IsEqualTo(18);
        await Assert.That(iso.Batch.NextStartPosition).IsEqualTo(6);
        var values = (await ChildrenAsync(api, api.Bob, "iso", iso.Id)).Select(c => Param(c, "value")).ToList();
        await Assert.That(values[0]).StartsWith("3e9a8c05|");
        await Assert.That(values[1]).IsEqualTo("366f6257-19eb-4f20-ba78-0698ac4aae77|http://www.ypaat.gr");

        // Dublin Core by POST: the recording of startPosition 10 holds the last 3 of 12, and nextRecord 0 ends the catalog.
        await CreateAsync(api, api.Bob, J("""
            {"id":"dc","source":{"type":"csw","url":"@0@","method":"post"},"template":{"tool":"print-value","params":{"value":"{record.id}"}}}
            """, csw.Csw));
        var last = await BatchAsync(api, api.Bob, "dc", """{"start_position":10,"max_records":5,"force":true}""");
        await Assert.That(last.Batch!.Records).IsEqualTo(3);
        await Assert.That(last.Batch.NextStartPosition).IsNull();
        await Assert.That((await ChildrenAsync(api, api.Bob, "dc", last.Id)).Select(c => Param(c, "value")).ToArray())
            .IsEquivalentTo(new[] { "urn:uuid:a06af396-3105-442d-8b40-22b57a90d2f2", "urn:uuid:ab42a8c4-95e8-4630-bf79-33e59241605a", "urn:uuid:e9330592-0932-474b-be34-c3a3bb67c7db" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task a_static_stac_catalog_in_the_data_root_gives_its_items_in_link_order_with_their_data_assets()
    {
        await using var api = await ApiServer.StartAsync();
        AddEcho(api);
        CopyTree(Path.Combine(CatalogServer.Recordings, "stac"), Path.Combine(api.DataRoot, "stac"));
        await CreateAsync(api, api.Bob, """
            {"id":"examples","source":{"type":"stac","path":"stac/catalog.json"},"template":{"tool":"print-value","params":{"value":"{record.id}|{record.href}"}}}
            """);
        var batch = await BatchAsync(api, api.Bob, "examples", """{"max_records":10}""");
        var values = (await ChildrenAsync(api, api.Bob, "examples", batch.Id)).Select(c => Param(c, "value")).ToList();

        // catalog.json: three children (one collection with an item, two without), then an item of its own.
        await Assert.That(values.Select(v => v.Split('|')[0]).ToArray()).IsEquivalentTo(new[] { "proj-example", "CS3-20160503_132131_08" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(batch.Batch!.NextStartPosition).IsNull();

        // collection.json: three items with one id; each is a record of its own (documents are told apart by URL).
        await CreateAsync(api, api.Bob, """
            {"id":"simple","source":{"type":"stac","path":"stac/collection.json","asset":"visual"},"template":{"tool":"print-value","params":{"value":"{record.id}|{record.stem}"}}}
            """);
        var simple = await BatchAsync(api, api.Bob, "simple", """{"max_records":2}""");
        await Assert.That(simple.Batch!.Records).IsEqualTo(2);
        await Assert.That(simple.Batch.NextStartPosition).IsEqualTo(3);
        await CompleteAsync(api, await ChildrenAsync(api, api.Bob, "simple", simple.Id));
        var rest = await BatchAsync(api, api.Bob, "simple", """{"max_records":2}""");
        await Assert.That(rest.Batch!.Records).IsEqualTo(1);
        await Assert.That(rest.Batch.NextStartPosition).IsNull();
        await Assert.That(Param((await ChildrenAsync(api, api.Bob, "simple", rest.Id)).Single(), "value")).StartsWith("20201211_223832_CS2|");
    }

    [Test]
    public async Task stac_api_pages_are_followed_by_their_next_links_by_get_and_by_post()
    {
        await using var stac = await CatalogServer.StartAsync();
        await using var api = await ApiServer.StartAsync(configure: o => o with { CatalogAllow = ["127.0.0.1"] });
        AddEcho(api);
        foreach (var (id, url, first, second) in new[]
        {
            ("items", $"{stac.Url}stac/collections/sentinel-2-l2a/items?limit=1", "S2A_MSIL2A_20230216T235751_R087_T52CEB_20230217T134604", "S2A_MSIL2A_20230216T235751_R087_T52CDV_20230217T134828"),
            ("search", $"{stac.Url}stac/search?collections=sentinel-2-l2a&limit=1", "S2A_MSIL2A_20230216T150721_R082_T19PHS_20230217T082924", "S2A_MSIL2A_20230216T145731_R082_T21UYT_20230217T083102"),
        })
        {
            await CreateAsync(api, api.Bob, J("""{"id":"@0@","source":{"type":"stac","url":"@1@"},"template":{"tool":"print-value","params":{"value":"{record.id}"}}}""", id, url));
            var batch = await BatchAsync(api, api.Bob, id, """{"max_records":2}""");
            await Assert.That((await ChildrenAsync(api, api.Bob, id, batch.Id)).Select(c => Param(c, "value")).ToArray()).IsEquivalentTo(new[] { first, second }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
            await Assert.That(batch.Batch!.NextStartPosition).IsEqualTo(3); // page 2 links a next page
        }
    }

    [Test]
    public async Task a_record_without_the_field_the_template_needs_makes_a_child_that_failed_and_the_batch_says_so()
    {
        await using var csw = await CatalogServer.StartAsync();
        await using var api = await ApiServer.StartAsync(configure: o => o with { CatalogAllow = ["127.0.0.1"] });
        await CreateAsync(api, api.Bob, J("""
            {"id":"nopath","source":{"type":"csw","url":"@0@","sort_by":"dc:type:D"},"template":{"tool":"info","params":{"path":"{record.path}"}}}
            """, csw.Csw));

        var batch = await BatchAsync(api, api.Bob, "nopath", """{"max_records":4}""");
        var children = await ChildrenAsync(api, api.Bob, "nopath", batch.Id);

        await Assert.That(children.Count).IsEqualTo(4);
        await Assert.That(children.All(c => c.Status == "failed" && c.Error!.Code == "record_field_missing")).IsTrue();
        await Assert.That(children[0].Error!.Message).Contains("has no path");
        var ended = (await api.Ledger.GetJobAsync(batch.Id))!;
        await Assert.That(ended.JobState).IsEqualTo(JobState.Failed);
        await Assert.That(ended.ErrorCode).IsEqualTo("children_failed");
        await Assert.That((await GetAsync(api, api.Bob, "nopath")).Children["failed"]).IsEqualTo(4);
    }

    [Test]
    public async Task a_catalog_that_keeps_failing_fails_its_batch_and_leaves_the_cursor_for_the_next()
    {
        await using var csw = await CatalogServer.StartAsync();
        await using var api = await ApiServer.StartAsync(configure: o => o with { CatalogAllow = ["127.0.0.1"], CatalogRetryBase = TimeSpan.FromMilliseconds(10) });
        AddEcho(api);
        await CreateAsync(api, api.Bob, J("""
            {"id":"flaky","source":{"type":"csw","url":"@0@","sort_by":"dc:type:D"},"template":{"tool":"print-value","params":{"value":"{record.id}"}}}
            """, csw.Csw));

        csw.FailNext(2); // transient: tried again
        var recovered = await BatchAsync(api, api.Bob, "flaky", """{"max_records":4}""");
        await Assert.That(recovered.Batch!.Records).IsEqualTo(4);
        await Assert.That(csw.Requests).IsEqualTo(3);
        await CompleteAsync(api, await ChildrenAsync(api, api.Bob, "flaky", recovered.Id));

        csw.FailNext(100);
        var failed = await BatchAsync(api, api.Bob, "flaky", """{"max_records":4}""");
        await Assert.That(failed.Status).IsEqualTo("failed");
        await Assert.That(failed.Error!.Code).IsEqualTo("catalog_unreadable");
        await Assert.That(failed.Error.Message).Contains("503");
        var campaign = await GetAsync(api, api.Bob, "flaky");
        await Assert.That(campaign.NextStartPosition).IsEqualTo(5);
        await Assert.That(campaign.ActiveBatch).IsNull();

        csw.FailNext(0);
        var again = await BatchAsync(api, api.Bob, "flaky", """{"max_records":4}""");
        await Assert.That(again.Batch!.StartPosition).IsEqualTo(5);
        await Assert.That(again.Batch.Records).IsEqualTo(4);
    }

    [Test]
    public async Task stopping_a_campaign_stops_its_batch_and_unfinished_children_and_keeps_the_completed_ones()
    {
        await using var api = await ApiServer.StartAsync();
        for (var i = 1; i <= 4; i++)
        {
            api.WriteInput($"s/{i}.tif", "x");
        }

        await CreateAsync(api, api.Bob, """{"id":"halt","source":{"type":"data_root","root":"s"},"template":{"tool":"info","params":{"path":"{record.path}"}}}""");
        var batch = await BatchAsync(api, api.Bob, "halt", """{"max_records":4}""");
        var children = await ChildrenAsync(api, api.Bob, "halt", batch.Id);
        await JobWalker.IntoStateAsync(api.Ledger, children[0].Id, JobState.Completed);
        var running = await JobWalker.IntoStateAsync(api.Ledger, children[1].Id, JobState.Running);

        using var stop = await api.SendAsync(HttpMethod.Post, "v1/campaigns/halt/stop", api.Bob, "{}");
        var campaign = await Expect(stop, HttpStatusCode.OK, RestJsonContext.Default.CampaignDto);

        // Scheduled children stop at once; the running one is asked to (its agent acknowledges); the batch waits for it.
        await Assert.That(campaign.Children["completed"]).IsEqualTo(1);
        await Assert.That(campaign.Children["stop_requested"]).IsEqualTo(1);
        await Assert.That(campaign.Children["stopped"]).IsEqualTo(2);
        await Assert.That((await api.Ledger.GetJobAsync(batch.Id))!.JobState).IsEqualTo(JobState.StopRequested);

        await api.Ledger.FinishAsync(running.Id, running.Fence, new Coordinator.Ledger.FinishReport(Coordinator.Ledger.FinishOutcome.Stopped));

        await Assert.That((await api.Ledger.GetJobAsync(batch.Id))!.JobState).IsEqualTo(JobState.Stopped);
        campaign = await GetAsync(api, api.Bob, "halt");
        await Assert.That(campaign.Children["completed"]).IsEqualTo(1);
        await Assert.That(campaign.Children["stopped"]).IsEqualTo(3);
        await Assert.That(campaign.Percent).IsEqualTo(100);
        await Assert.That(campaign.ActiveBatch).IsNull();
        await Assert.That(campaign.NextStartPosition).IsNull(); // the page was read whole: stopping does not read it again
    }

    [Test]
    public async Task an_item_collection_file_gives_its_items_and_does_not_follow_next_to_a_host_not_allowed()
    {
        await using var api = await ApiServer.StartAsync();
        AddEcho(api);
        CopyTree(Path.Combine(CatalogServer.Recordings, "stac"), Path.Combine(api.DataRoot, "stac"));
        await CreateAsync(api, api.Bob, """
            {"id":"saved-page","source":{"type":"stac","path":"stac/api/items-page-1.json"},"template":{"tool":"print-value","params":{"value":"{record.id}"}}}
            """);

        // The page's one item is the first record; the batch that would need the next page fails naming the host, and
        // makes no child.
        var first = await BatchAsync(api, api.Bob, "saved-page", """{"max_records":1}""");
        await Assert.That(first.Batch!.NextStartPosition).IsEqualTo(2);
        var children = await ChildrenAsync(api, api.Bob, "saved-page", first.Id);
        await Assert.That(Param(children.Single(), "value")).IsEqualTo("S2A_MSIL2A_20230216T235751_R087_T52CEB_20230217T134604");
        await CompleteAsync(api, children);

        var second = await ReadAsync(api, api.Bob, (await BatchAsync(api, api.Bob, "saved-page", """{"max_records":10}""")).Id);
        await Assert.That(second.Status).IsEqualTo("failed");
        await Assert.That(second.Error!.Code).IsEqualTo("catalog_host_not_allowed");
        await Assert.That(second.Error.Message).Contains("planetarycomputer.microsoft.com");
        await Assert.That(second.Batch!.SpawnedAt).IsNull();
        await Assert.That((await GetAsync(api, api.Bob, "saved-page")).TotalChildren).IsEqualTo(1);
    }

    [Test]
    public async Task the_list_shows_the_org_s_campaigns_newest_first_and_activity_is_stamped_by_batches_and_children()
    {
        await using var api = await ApiServer.StartAsync();
        AddEcho(api);
        api.WriteInput("p/1.tif", "x");
        api.WriteInput("p/2.tif", "x");
        const string Body = """{"id":"@id@","source":{"type":"data_root","root":"p"},"template":{"tool":"print-value","params":{"value":"{record.path}"}}}""";
        await CreateAsync(api, api.Bob, Body.Replace("@id@", "older", StringComparison.Ordinal));
        var created = await CreateAsync(api, api.Bob, Body.Replace("@id@", "newer", StringComparison.Ordinal));
        await Assert.That(created.FirstActivityAt).IsNull();

        using (var list = await api.GetAsync("v1/campaigns", api.Reader))
        {
            var page = (await ApiServer.ReadAsync(list, RestJsonContext.Default.CampaignListDto))!;
            await Assert.That(page.Campaigns.Select(c => c.Id).ToArray()).IsEquivalentTo(["newer", "older"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }

        using (var paged = await api.GetAsync("v1/campaigns?limit=1", api.Reader))
        {
            var first = (await ApiServer.ReadAsync(paged, RestJsonContext.Default.CampaignListDto))!;
            await Assert.That(first.Campaigns.Single().Id).IsEqualTo("newer");
            using var next = await api.GetAsync($"v1/campaigns?limit=1&cursor={first.NextCursor}", api.Reader);
            await Assert.That((await ApiServer.ReadAsync(next, RestJsonContext.Default.CampaignListDto))!.Campaigns.Single().Id).IsEqualTo("older");
        }

        var batch = await BatchAsync(api, api.Bob, "newer");
        var children = await ChildrenAsync(api, api.Bob, "newer", batch.Id);
        var started = await GetAsync(api, api.Reader, "newer");
        await Assert.That(started.FirstActivityAt).IsNotNull();
        await CompleteAsync(api, children);
        var done = await GetAsync(api, api.Reader, "newer");
        await Assert.That(done.FirstActivityAt).IsEqualTo(started.FirstActivityAt);
        await Assert.That(done.LastActivityAt!.Value).IsGreaterThanOrEqualTo(done.FirstActivityAt!.Value);
        await Assert.That(done.Children["completed"]).IsEqualTo(2);

        // The campaign's batches, newest first, each with its page; another org has no such campaign.
        using var batches = await api.GetAsync("v1/campaigns/newer/batches", api.Reader);
        var listed = (await ApiServer.ReadAsync(batches, RestJsonContext.Default.BatchListDto))!.Batches;
        await Assert.That(listed.Single().JobId).IsEqualTo(batch.Id);
        await Assert.That(listed.Single().Records).IsEqualTo(2);
        var outsider = await api.MintInOrgAsync("olga", "other", Scopes.JobsRead);
        using var hidden = await api.GetAsync("v1/campaigns/newer/batches", outsider);
        await Assert.That(hidden.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task the_aggregate_of_a_private_campaign_needs_a_token_of_its_org()
    {
        await using var api = await ApiServer.StartAsync();
        api.WriteInput("p/1.tif", "x");
        await CreateAsync(api, api.Bob, """{"id":"private","source":{"type":"data_root","root":"p"},"template":{"tool":"info","params":{"path":"{record.path}"}}}""");
        var outsider = await api.MintInOrgAsync("olga", "other", Scopes.JobsRead, Scopes.JobsWrite);

        using var anonymous = await api.GetAsync("v1/campaigns/private", null);
        using var otherOrg = await api.GetAsync("v1/campaigns/private", outsider);
        using var unknownToken = await api.GetAsync("v1/campaigns/private", ApiServer.UnknownToken);
        using var otherOrgBatch = await api.SendAsync(HttpMethod.Post, "v1/campaigns/private/batches", outsider, "{}");
        using var notOwner = await api.SendAsync(HttpMethod.Post, "v1/campaigns/private/batches", api.Carol, "{}");
        using var otherOrgStop = await api.SendAsync(HttpMethod.Post, "v1/campaigns/private/stop", outsider, "{}");
        using var otherOrgRepair = await api.SendAsync(HttpMethod.Post, "v1/campaigns/private/repair", outsider, """{"dry_run":true}""");
        using var otherOrgMet = await api.GetAsync("met/jobs/hyspex-csw-campaigns/private", outsider);
        using var otherOrgList = await api.GetAsync("v1/campaigns", outsider);
        // The same id from another org: taken, and nothing of the campaign told.
        using var otherOrgCreate = await api.SendAsync(HttpMethod.Post, "v1/campaigns", outsider,
            """{"id":"private","title":"mine","source":{"type":"data_root","root":"p"},"template":{"tool":"info","params":{"path":"{record.path}"}}}""");

        await Assert.That(anonymous.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
        await Assert.That(otherOrg.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(unknownToken.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
        await Assert.That(otherOrgBatch.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(notOwner.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        await Assert.That(otherOrgStop.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(otherOrgRepair.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(otherOrgMet.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(await otherOrgList.Content.ReadAsStringAsync()).DoesNotContain("private");
        await Assert.That(otherOrgCreate.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        var taken = await otherOrgCreate.Content.ReadAsStringAsync();
        await Assert.That(taken).Contains("campaign_id_taken");
        await Assert.That(taken).DoesNotContain("bob");
        await Assert.That(taken).DoesNotContain("data_root");
        await Assert.That((await GetAsync(api, api.Reader, "private")).Title).IsNull();
        await Assert.That((await GetAsync(api, api.Reader, "private")).Id).IsEqualTo("private");
    }

    public static IEnumerable<Func<(string Body, string Field)>> Refusals()
    {
        const string Template = "\"template\":{\"tool\":\"info\",\"params\":{\"path\":\"{record.path}\"}}";
        const string Source = "\"source\":{\"type\":\"data_root\"}";
        yield return () => (J("""{"id":"Bad Id",@0@,@1@}""", Source, Template), "$.id");
        yield return () => (J("""{"id":"x","source":{"type":"ftp"},@0@}""", Template), "$.source.type");
        yield return () => (J("""{"id":"x","source":{"type":"data_root","url":"http://127.0.0.1/"},@0@}""", Template), "$.source.url");
        yield return () => (J("""{"id":"x","source":{"type":"data_root","root":"../etc"},@0@}""", Template), "$.source.root");
        yield return () => (J("""{"id":"x","source":{"type":"data_root","glob":"/etc/*"},@0@}""", Template), "$.source.glob");
        yield return () => (J("""{"id":"x","source":{"type":"csw","url":"http://csw.example.org/csw"},@0@}""", Template), "$.source.url");
        yield return () => (J("""{"id":"x","source":{"type":"csw","url":"file:///etc/passwd"},@0@}""", Template), "$.source.url");
        yield return () => (J("""{"id":"x","source":{"type":"csw","url":"http://127.0.0.1/csw","type_names":"xyz:Thing"},@0@}""", Template), "$.source.type_names");
        yield return () => (J("""{"id":"x","source":{"type":"stac"},@0@}""", Template), "$.source.url");
        yield return () => (J("""{"id":"x","source":{"type":"stac","path":"/etc/stac.json"},@0@}""", Template), "$.source.path");
        yield return () => (J("""{"id":"x","source":{"type":"dataset"},@0@}""", Template), "$.source.dataset");
        yield return () => (J("""{"id":"x","source":{"type":"dataset","dataset":"other/scenes"},@0@}""", Template), "$.source.dataset");
        yield return () => (J("""{"id":"x",@0@,"template":{"tool":"no-such-tool"}}""", Source), "$.template.tool");
        yield return () => (J("""{"id":"x",@0@,"template":{"tool":"campaign-batch"}}""", Source), "$.template.tool");
        yield return () => (J("""{"id":"x",@0@,"template":{"tool":"info","params":{"path":"{record.nope}"}}}""", Source), "$.template.params");
        yield return () => (J("""{"id":"x",@0@,"template":{"tool":"info","params":[1]}}""", Source), "$.template.params");
        yield return () => (J("""{"id":"x",@0@,"template":{"tool":"info","timeout_s":-1}}""", Source), "$.template.timeout_s");
        yield return () => (J("""{"id":"x",@0@,@1@,"campaign_total_children":0}""", Source, Template), "$.campaign_total_children");
        yield return () => (J("""{"id":"x",@0@,@1@,"variants":[{"name":"rgb","output":"../x.tif","template":{"tool":"info"}}]}""", Source, Template), "$.variants[0].output");
        yield return () => (J("""{"id":"x",@0@,@1@,"variants":[{"name":"rgb","output":"{record.who}.tif","template":{"tool":"info"}}]}""", Source, Template), "$.variants[0].output");
        yield return () => (J("""{"id":"x",@0@,@1@,"surprise":1}""", Source, Template), "$.surprise");
        yield return () => (J("""{"id":"x","source":{"type":"data_root","extra":1},@0@}""", Template), "$.source.extra");
    }

    [Test]
    [MethodDataSource(nameof(Refusals))]
    public async Task a_bad_campaign_is_refused_naming_the_field_and_changes_nothing(string body, string field)
    {
        await using var api = await ApiServer.StartAsync(configure: o => o with { CatalogAllow = ["127.0.0.1"] });
        var before = await api.SnapshotAsync();

        using var response = await api.SendAsync(HttpMethod.Post, "v1/campaigns", api.Bob, body);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        var problem = await ApiServer.ProblemAsync(response);
        await Assert.That(problem.Errors!.Select(e => e.Path)).Contains(field);
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    [Arguments("""{"start_position":0}""", 400, "$.start_position")]
    [Arguments("""{"max_records":0}""", 400, "$.max_records")]
    [Arguments("""{"max_records":10001}""", 400, "$.max_records")]
    [Arguments("""{"surprise":1}""", 400, "$.surprise")]
    public async Task a_bad_batch_is_refused_naming_the_field_and_changes_nothing(string body, int status, string field)
    {
        await using var api = await ApiServer.StartAsync();
        await CreateAsync(api, api.Bob, """{"id":"b","source":{"type":"data_root"},"template":{"tool":"info","params":{"path":"{record.path}"}}}""");
        var before = await api.SnapshotAsync();

        using var response = await api.SendAsync(HttpMethod.Post, "v1/campaigns/b/batches", api.Bob, body);

        await Assert.That((int)response.StatusCode).IsEqualTo(status);
        await Assert.That((await ApiServer.ProblemAsync(response)).Errors!.Select(e => e.Path)).Contains(field);
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task the_same_definition_again_is_the_same_campaign_and_another_under_its_id_is_a_conflict()
    {
        await using var api = await ApiServer.StartAsync();
        const string body = """{"id":"once","source":{"type":"data_root"},"template":{"tool":"info","params":{"path":"{record.path}"}}}""";
        await CreateAsync(api, api.Bob, body);
        await CreateAsync(api, api.Bob, body, HttpStatusCode.OK);

        using var other = await api.SendAsync(HttpMethod.Post, "v1/campaigns", api.Bob, body.Replace("data_root\"}", "data_root\",\"glob\":\"*.tif\"}", StringComparison.Ordinal));

        await Assert.That(other.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        await Assert.That((await ApiServer.ProblemAsync(other)).ErrorCode).IsEqualTo("campaign_exists");
    }

    [Test]
    public async Task a_job_cannot_claim_a_batch_as_its_parent()
    {
        await using var api = await ApiServer.StartAsync();
        api.WriteInput("q/1.tif", "x");
        await CreateAsync(api, api.Bob, """{"id":"q","source":{"type":"data_root","root":"q"},"template":{"tool":"info","params":{"path":"{record.path}"}}}""");
        var batch = await BatchAsync(api, api.Bob, "q");
        var before = await api.SnapshotAsync();

        using var forged = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob,
            J("""{"tool":"sleep","params":{"seconds":0},"parent_id":@0@,"campaign_id":@1@}""", batch.Id, batch.CampaignId!));

        await Assert.That(forged.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(forged)).Errors!.Single().Path).IsEqualTo("$.parent_id");
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }
}
