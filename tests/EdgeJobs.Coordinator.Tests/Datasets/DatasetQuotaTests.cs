using System.Net;
using System.Net.Http.Headers;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Datasets;

/// <summary>A dataset's byte quota: an upload that would pass it is refused (413) and leaves nothing, whether it said its size or not.</summary>
public class DatasetQuotaTests
{
    private const long Quota = 1 << 20;

    [Test]
    public async Task a_chunked_upload_past_the_quota_is_refused_while_it_streams_and_leaves_nothing()
    {
        await using var h = await DatasetHarness.StartAsync(Quota);
        (await h.PutFileAsync("kept.tif", new byte[1000])).Dispose();
        var before = await h.StateAsync();

        // No Content-Length: only the bytes themselves can tell the coordinator it is too large.
        using var content = new GeneratedContent(Quota + (256 << 10), seed: 9, declareLength: false);
        using var response = await h.SendAsync(HttpMethod.Put, $"{DatasetHarness.Base}/files/big.tif", h.Acme, content);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.RequestEntityTooLarge);
        await Assert.That((await ApiServer.ProblemAsync(response)).ErrorCode).IsEqualTo("dataset_quota_exceeded");
        await Assert.That(await h.StateAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task a_declared_size_past_the_quota_is_refused_before_any_byte_and_drops_earlier_parts()
    {
        await using var h = await DatasetHarness.StartAsync(Quota);
        var before = await h.StateAsync();

        using (var declared = await h.SendAsync(HttpMethod.Put, $"{DatasetHarness.Base}/files/big.tif", h.Acme, new GeneratedContent(Quota + 1, seed: 10)))
        {
            await Assert.That(declared.StatusCode).IsEqualTo(HttpStatusCode.RequestEntityTooLarge);
        }

        await Assert.That(await h.StateAsync()).IsEqualTo(before);
        (await h.PutFileAsync("part.tif", new byte[100], r => r.Content!.Headers.ContentRange = new ContentRangeHeaderValue(0, 99, 1000))).Dispose();
        using (var resumed = await h.PutFileAsync("part.tif", new byte[100], r => r.Content!.Headers.ContentRange = new ContentRangeHeaderValue(100, 199, Quota + 1)))
        {
            await Assert.That(resumed.StatusCode).IsEqualTo(HttpStatusCode.RequestEntityTooLarge);
        }

        await Assert.That(await h.StateAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task replacing_a_file_counts_only_the_difference_and_the_quota_is_exact()
    {
        await using var h = await DatasetHarness.StartAsync(Quota);
        using (var full = await h.PutFileAsync("a.tif", new byte[Quota]))
        {
            await Assert.That(full.StatusCode).IsEqualTo(HttpStatusCode.Created);
        }

        using (var replaced = await h.PutFileAsync("a.tif", new byte[Quota - 10]))
        {
            await Assert.That(replaced.StatusCode).IsEqualTo(HttpStatusCode.OK);
        }

        using (var fits = await h.PutFileAsync("b.tif", new byte[10]))
        {
            await Assert.That(fits.StatusCode).IsEqualTo(HttpStatusCode.Created);
        }

        using var over = await h.PutFileAsync("c.tif", new byte[1]);
        await Assert.That(over.StatusCode).IsEqualTo(HttpStatusCode.RequestEntityTooLarge);
        await Assert.That((await h.Api.Ledger.GetDatasetAsync("acme", "survey"))!.BytesUsed).IsEqualTo(Quota);
    }

    [Test]
    public async Task parallel_uploads_that_fit_one_by_one_but_not_together_never_pass_the_quota()
    {
        await using var h = await DatasetHarness.StartAsync(Quota);
        const int Size = 400 << 10;

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            h.SendAsync(HttpMethod.Put, $"{DatasetHarness.Base}/files/f{i}.tif", h.Acme, new GeneratedContent(Size, seed: i))));
        var statuses = responses.Select(r => r.StatusCode).ToArray();
        foreach (var response in responses)
        {
            response.Dispose();
        }

        // Whichever two are published first fit; every other one is refused, during its stream or at its publish.
        await Assert.That(statuses.Count(s => s == HttpStatusCode.Created)).IsEqualTo(2);
        await Assert.That(statuses.Count(s => s == HttpStatusCode.RequestEntityTooLarge)).IsEqualTo(4);
        var dataset = (await h.Api.Ledger.GetDatasetAsync("acme", "survey"))!;
        await Assert.That(dataset.BytesUsed).IsEqualTo(2L * Size);
        await Assert.That(dataset.EntryCount).IsEqualTo(2);
        await Assert.That(h.Partials()).IsEmpty();
        await Assert.That(Directory.GetFiles(h.DatasetDir).Length).IsEqualTo(2);
    }
}
