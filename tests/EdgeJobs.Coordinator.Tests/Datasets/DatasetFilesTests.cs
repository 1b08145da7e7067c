using System.Net;
using System.Net.Http.Headers;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Datasets;

/// <summary>Files: upload and download round trip with SHA-256 and ETag, Range, conditional requests, overwrite rules, delete.</summary>
public class DatasetFilesTests
{
    [Test]
    public async Task an_upload_is_indexed_with_its_sha256_and_downloads_byte_for_byte_with_it_as_the_etag()
    {
        await using var h = await DatasetHarness.StartAsync();
        var bytes = DatasetHarness.Bytes(300_000, seed: 1);

        using (var put = await h.PutFileAsync("scenes/L7 ETMs.tif", bytes))
        {
            await Assert.That(put.StatusCode).IsEqualTo(HttpStatusCode.Created);
            await Assert.That(put.Headers.Location!.OriginalString).IsEqualTo("/v1/datasets/acme/survey/files/scenes/L7%20ETMs.tif");
            await Assert.That(put.Headers.ETag!.Tag).IsEqualTo($"\"{DatasetHarness.Sha256(bytes)}\"");
            var entry = (await ApiServer.ReadAsync(put, RestJsonContext.Default.DatasetEntryDto))!;
            await Assert.That(entry.Path).IsEqualTo("scenes/L7 ETMs.tif");
            await Assert.That(entry.Type).IsEqualTo("raster");
            await Assert.That(entry.Size).IsEqualTo(bytes.Length);
            await Assert.That(entry.Sha256).IsEqualTo(DatasetHarness.Sha256(bytes));
        }

        using var get = await h.GetFileAsync("scenes/L7%20ETMs.tif");
        await Assert.That(get.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(get.Headers.ETag!.Tag).IsEqualTo($"\"{DatasetHarness.Sha256(bytes)}\"");
        await Assert.That(await get.Content.ReadAsByteArrayAsync()).IsEquivalentTo(bytes, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(h.Partials()).IsEmpty();

        using var head = await h.SendAsync(HttpMethod.Head, $"{DatasetHarness.Base}/files/scenes/L7%20ETMs.tif", h.Acme);
        await Assert.That(head.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(head.Content.Headers.ContentLength).IsEqualTo(bytes.Length);
    }

    [Test]
    public async Task range_is_206_an_unsatisfiable_range_416_and_a_matching_if_none_match_304()
    {
        await using var h = await DatasetHarness.StartAsync();
        var bytes = DatasetHarness.Bytes(10_000, seed: 2);
        (await h.PutFileAsync("a.bin", bytes)).Dispose();
        var etag = $"\"{DatasetHarness.Sha256(bytes)}\"";

        using (var partial = await h.GetFileAsync("a.bin", r => r.Headers.Range = new RangeHeaderValue(100, 199)))
        {
            await Assert.That(partial.StatusCode).IsEqualTo(HttpStatusCode.PartialContent);
            await Assert.That(partial.Content.Headers.ContentRange!.ToString()).IsEqualTo("bytes 100-199/10000");
            await Assert.That(await partial.Content.ReadAsByteArrayAsync()).IsEquivalentTo(bytes[100..200], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }

        using (var tail = await h.GetFileAsync("a.bin", r => r.Headers.Range = new RangeHeaderValue(null, 10)))
        {
            await Assert.That(tail.StatusCode).IsEqualTo(HttpStatusCode.PartialContent);
            await Assert.That(await tail.Content.ReadAsByteArrayAsync()).IsEquivalentTo(bytes[^10..], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }

        using (var beyond = await h.GetFileAsync("a.bin", r => r.Headers.Range = new RangeHeaderValue(20_000, 20_100)))
        {
            await Assert.That(beyond.StatusCode).IsEqualTo(HttpStatusCode.RequestedRangeNotSatisfiable);
            await Assert.That(beyond.Content.Headers.ContentRange!.ToString()).IsEqualTo("bytes */10000");
        }

        using (var same = await h.GetFileAsync("a.bin", r => r.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag))))
        {
            await Assert.That(same.StatusCode).IsEqualTo(HttpStatusCode.NotModified);
        }

        using var changed = await h.GetFileAsync("a.bin", r => r.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"0000\"")));
        await Assert.That(changed.StatusCode).IsEqualTo(HttpStatusCode.OK);
    }

    [Test]
    public async Task head_if_range_a_range_past_the_end_and_large_and_empty_files_are_answered_as_http_says()
    {
        await using var h = await DatasetHarness.StartAsync();
        var bytes = DatasetHarness.Bytes(3_000_000, seed: 4); // several flushes of the download's pipe
        (await h.PutFileAsync("big.bin", bytes)).Dispose();
        (await h.PutFileAsync("empty.bin", [])).Dispose();
        var etag = $"\"{DatasetHarness.Sha256(bytes)}\"";

        using (var head = await h.SendAsync(HttpMethod.Head, $"{DatasetHarness.Base}/files/big.bin", h.Acme))
        {
            await Assert.That(head.StatusCode).IsEqualTo(HttpStatusCode.OK);
            await Assert.That(head.Content.Headers.ContentLength).IsEqualTo(3_000_000);
            await Assert.That(head.Headers.ETag!.Tag).IsEqualTo(etag);
            await Assert.That(head.Headers.AcceptRanges.Single()).IsEqualTo("bytes");
            await Assert.That((await head.Content.ReadAsByteArrayAsync()).Length).IsEqualTo(0);
        }

        using (var whole = await h.GetFileAsync("big.bin"))
        {
            await Assert.That(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await whole.Content.ReadAsByteArrayAsync()))).IsEqualTo(etag.Trim('"'));
            await Assert.That(whole.Content.Headers.ContentDisposition!.DispositionType).IsEqualTo("attachment");
            await Assert.That(whole.Content.Headers.ContentDisposition.FileName!.Trim('"')).IsEqualTo("big.bin");
        }

        // A range running past the end is cut to the end; If-Range with another ETag sends the whole file.
        using (var past = await h.GetFileAsync("big.bin", r => r.Headers.Range = new RangeHeaderValue(2_999_990, 5_000_000)))
        {
            await Assert.That(past.StatusCode).IsEqualTo(HttpStatusCode.PartialContent);
            await Assert.That(past.Content.Headers.ContentRange!.ToString()).IsEqualTo("bytes 2999990-2999999/3000000");
            await Assert.That(await past.Content.ReadAsByteArrayAsync()).IsEquivalentTo(bytes[2_999_990..], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }

        using (var stale = await h.GetFileAsync("big.bin", r =>
        {
            r.Headers.Range = new RangeHeaderValue(0, 9);
            r.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"0000\""));
        }))
        {
            await Assert.That(stale.StatusCode).IsEqualTo(HttpStatusCode.OK);
            await Assert.That(stale.Content.Headers.ContentLength).IsEqualTo(3_000_000);
        }

        using (var current = await h.GetFileAsync("big.bin", r =>
        {
            r.Headers.Range = new RangeHeaderValue(0, 9);
            r.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue(etag));
        }))
        {
            await Assert.That(current.StatusCode).IsEqualTo(HttpStatusCode.PartialContent);
            await Assert.That(await current.Content.ReadAsByteArrayAsync()).IsEquivalentTo(bytes[..10], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }

        using var empty = await h.GetFileAsync("empty.bin");
        await Assert.That(empty.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That((await empty.Content.ReadAsByteArrayAsync()).Length).IsEqualTo(0);
    }

    [Test]
    public async Task if_match_and_the_date_conditions_and_a_several_range_request_are_answered_as_http_says()
    {
        await using var h = await DatasetHarness.StartAsync();
        // Past two of the download's 1 MiB chunks and the upload's, not a multiple of either.
        var bytes = DatasetHarness.Bytes((5 << 20) + 12_345, seed: 5);
        using (var put = await h.PutFileAsync("multi.bin", bytes))
        {
            var entry = (await ApiServer.ReadAsync(put, RestJsonContext.Default.DatasetEntryDto))!;
            await Assert.That(entry.Sha256).IsEqualTo(DatasetHarness.Sha256(bytes));
        }

        var etag = $"\"{DatasetHarness.Sha256(bytes)}\"";
        DateTimeOffset modified;
        using (var whole = await h.GetFileAsync("multi.bin"))
        {
            await Assert.That(await whole.Content.ReadAsByteArrayAsync()).IsEquivalentTo(bytes, TUnit.Assertions.Enums.CollectionOrdering.Matching);
            modified = whole.Content.Headers.LastModified!.Value;
        }

        using (var other = await h.GetFileAsync("multi.bin", r => r.Headers.IfMatch.Add(new EntityTagHeaderValue("\"0000\""))))
        {
            await Assert.That(other.StatusCode).IsEqualTo(HttpStatusCode.PreconditionFailed);
            await Assert.That(other.Content.Headers.ContentRange).IsNull();
        }

        using (var same = await h.GetFileAsync("multi.bin", r => r.Headers.IfMatch.Add(new EntityTagHeaderValue(etag))))
        {
            await Assert.That(same.StatusCode).IsEqualTo(HttpStatusCode.OK);
        }

        using (var unchanged = await h.GetFileAsync("multi.bin", r => r.Headers.IfModifiedSince = modified))
        {
            await Assert.That(unchanged.StatusCode).IsEqualTo(HttpStatusCode.NotModified);
            await Assert.That(unchanged.Headers.ETag!.Tag).IsEqualTo(etag);
        }

        using (var newer = await h.GetFileAsync("multi.bin", r => r.Headers.IfModifiedSince = modified.AddSeconds(-1)))
        {
            await Assert.That(newer.StatusCode).IsEqualTo(HttpStatusCode.OK);
        }

        using (var since = await h.GetFileAsync("multi.bin", r => r.Headers.IfUnmodifiedSince = modified.AddSeconds(-1)))
        {
            await Assert.That(since.StatusCode).IsEqualTo(HttpStatusCode.PreconditionFailed);
        }

        // Several ranges get the whole file (multipart/byteranges is not offered), as the framework's file result does.
        using (var several = await h.GetFileAsync("multi.bin", r =>
        {
            r.Headers.Range = new RangeHeaderValue(0, 9);
            r.Headers.Range.Ranges.Add(new RangeItemHeaderValue(20, 29));
        }))
        {
            await Assert.That(several.StatusCode).IsEqualTo(HttpStatusCode.OK);
            await Assert.That(several.Content.Headers.ContentLength).IsEqualTo(bytes.Length);
        }

        // A range across a chunk boundary.
        using var across = await h.GetFileAsync("multi.bin", r => r.Headers.Range = new RangeHeaderValue((1 << 20) - 5, (3 << 20) + 5));
        await Assert.That(across.StatusCode).IsEqualTo(HttpStatusCode.PartialContent);
        await Assert.That(await across.Content.ReadAsByteArrayAsync()).IsEquivalentTo(bytes[((1 << 20) - 5)..((3 << 20) + 6)], TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task an_upload_replaces_an_entry_with_200_unless_if_none_match_star_refuses_it_with_412()
    {
        await using var h = await DatasetHarness.StartAsync();
        var first = DatasetHarness.Bytes(1000, seed: 3);
        var second = DatasetHarness.Bytes(2000, seed: 4);
        (await h.PutFileAsync("a.tif", first)).Dispose();

        using (var replaced = await h.PutFileAsync("a.tif", second))
        {
            await Assert.That(replaced.StatusCode).IsEqualTo(HttpStatusCode.OK);
        }

        var before = await h.StateAsync();
        using (var refused = await h.PutFileAsync("a.tif", first, r => r.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any)))
        {
            await Assert.That(refused.StatusCode).IsEqualTo(HttpStatusCode.PreconditionFailed);
            await Assert.That((await ApiServer.ProblemAsync(refused)).ErrorCode).IsEqualTo("entry_exists");
        }

        await Assert.That(await h.StateAsync()).IsEqualTo(before);
        using var get = await h.GetFileAsync("a.tif");
        await Assert.That(await get.Content.ReadAsByteArrayAsync()).IsEquivalentTo(second, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        using var created = await h.PutFileAsync("b.tif", first, r => r.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any));
        await Assert.That(created.StatusCode).IsEqualTo(HttpStatusCode.Created);
        var dataset = (await h.Api.Ledger.GetDatasetAsync("acme", "survey"))!;
        await Assert.That(dataset.BytesUsed).IsEqualTo(second.Length + first.Length);
        await Assert.That(dataset.EntryCount).IsEqualTo(2);
    }

    [Test]
    public async Task delete_removes_the_entry_its_file_and_the_folders_it_leaves_empty()
    {
        await using var h = await DatasetHarness.StartAsync();
        (await h.PutFileAsync("deep/er/a.tif", [1, 2])).Dispose();
        (await h.PutFileAsync("deep/b.tif", [3])).Dispose();

        using (var deleted = await h.SendAsync(HttpMethod.Delete, $"{DatasetHarness.Base}/files/deep/er/a.tif", h.Acme))
        {
            await Assert.That(deleted.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
        }

        await Assert.That(Directory.Exists(Path.Combine(h.DatasetDir, "deep", "er"))).IsFalse();
        await Assert.That(File.Exists(Path.Combine(h.DatasetDir, "deep", "b.tif"))).IsTrue();
        await Assert.That((await h.Api.Ledger.GetDatasetAsync("acme", "survey"))!.BytesUsed).IsEqualTo(1);
        using (var get = await h.GetFileAsync("deep/er/a.tif"))
        {
            await Assert.That(get.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
            await Assert.That((await ApiServer.ProblemAsync(get)).ErrorCode).IsEqualTo("entry_not_found");
        }

        using var again = await h.SendAsync(HttpMethod.Delete, $"{DatasetHarness.Base}/files/deep/er/a.tif", h.Acme);
        await Assert.That(again.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task a_file_cannot_sit_where_a_folder_is_or_a_folder_where_a_file_is()
    {
        await using var h = await DatasetHarness.StartAsync();
        (await h.PutFileAsync("a/b.tif", [1])).Dispose();
        var before = await h.StateAsync();

        using (var onFolder = await h.PutFileAsync("a", [2]))
        {
            await Assert.That(onFolder.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
            await Assert.That((await ApiServer.ProblemAsync(onFolder)).ErrorCode).IsEqualTo("path_conflict");
        }

        using (var underFile = await h.PutFileAsync("a/b.tif/c.tif", [3]))
        {
            await Assert.That(underFile.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        }

        await Assert.That(await h.StateAsync()).IsEqualTo(before);
    }
}
