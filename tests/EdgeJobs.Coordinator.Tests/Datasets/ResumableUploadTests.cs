using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Datasets;

/// <summary>Uploads in parts with <c>Content-Range</c>: the parts make the same file as one upload, and a part out of place changes nothing.</summary>
public class ResumableUploadTests
{
    private static Action<HttpRequestMessage> Range(long from, long to, long total) =>
        r => r.Content!.Headers.ContentRange = new ContentRangeHeaderValue(from, to, total);

    [Test]
    public async Task the_first_half_then_the_rest_gives_the_file_and_sha256_of_one_upload()
    {
        await using var h = await DatasetHarness.StartAsync();
        var bytes = DatasetHarness.Bytes(1_000_000, seed: 5);
        var half = bytes.Length / 2;

        using (var first = await h.PutFileAsync("big.tif", bytes[..half], Range(0, half - 1, bytes.Length)))
        {
            await Assert.That(first.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
            await Assert.That(first.Headers.GetValues("Upload-Offset").Single()).IsEqualTo(half.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var progress = (await ApiServer.ReadAsync(first, RestJsonContext.Default.UploadProgressDto))!;
            await Assert.That(progress.Received).IsEqualTo(half);
            await Assert.That(progress.Total).IsEqualTo(bytes.Length);
        }

        // Not an entry until it is whole.
        using (var notYet = await h.GetFileAsync("big.tif"))
        {
            await Assert.That(notYet.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        }

        await Assert.That(h.Partials().Length).IsEqualTo(1);
        using (var rest = await h.PutFileAsync("big.tif", bytes[half..], Range(half, bytes.Length - 1, bytes.Length)))
        {
            await Assert.That(rest.StatusCode).IsEqualTo(HttpStatusCode.Created);
            var entry = (await ApiServer.ReadAsync(rest, RestJsonContext.Default.DatasetEntryDto))!;
            await Assert.That(entry.Sha256).IsEqualTo(DatasetHarness.Sha256(bytes));
            await Assert.That(entry.Size).IsEqualTo(bytes.Length);
        }

        await Assert.That(h.Partials()).IsEmpty();
        using var get = await h.GetFileAsync("big.tif");
        await Assert.That(await get.Content.ReadAsByteArrayAsync()).IsEquivalentTo(bytes, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task a_part_that_does_not_start_where_the_upload_stopped_is_409_with_the_offset_and_changes_nothing()
    {
        await using var h = await DatasetHarness.StartAsync();
        var bytes = DatasetHarness.Bytes(3000, seed: 6);
        (await h.PutFileAsync("a.tif", bytes[..1000], Range(0, 999, 3000))).Dispose();
        var before = await h.StateAsync();

        foreach (var start in new long[] { 500, 1500 })
        {
            using var skipped = await h.PutFileAsync("a.tif", bytes[(int)start..2000], Range(start, 1999, 3000));
            await Assert.That(skipped.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
            await Assert.That((await ApiServer.ProblemAsync(skipped)).ErrorCode).IsEqualTo("upload_offset_mismatch");
            await Assert.That(skipped.Headers.GetValues("Upload-Offset").Single()).IsEqualTo("1000");
        }

        await Assert.That(await h.StateAsync()).IsEqualTo(before);
        using var fresh = await h.PutFileAsync("other.tif", bytes[1000..2000], Range(1000, 1999, 3000));
        await Assert.That(fresh.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        await Assert.That(fresh.Headers.GetValues("Upload-Offset").Single()).IsEqualTo("0");
    }

    [Test]
    public async Task a_new_upload_at_byte_0_replaces_a_partial_one()
    {
        await using var h = await DatasetHarness.StartAsync();
        var stale = DatasetHarness.Bytes(1000, seed: 7);
        var bytes = DatasetHarness.Bytes(1500, seed: 8);
        (await h.PutFileAsync("a.tif", stale[..500], Range(0, 499, 1000))).Dispose();

        using var whole = await h.PutFileAsync("a.tif", bytes);

        await Assert.That(whole.StatusCode).IsEqualTo(HttpStatusCode.Created);
        await Assert.That((await ApiServer.ReadAsync(whole, RestJsonContext.Default.DatasetEntryDto))!.Sha256).IsEqualTo(DatasetHarness.Sha256(bytes));
        await Assert.That(h.Partials()).IsEmpty();
    }

    [Test]
    public async Task a_connection_broken_mid_upload_leaves_what_arrived_and_the_client_continues_from_the_offset_it_asks_for()
    {
        await using var h = await DatasetHarness.StartAsync();
        var bytes = DatasetHarness.Bytes(2_000_000, seed: 11);
        const int sent = 700_000;
        const int WriteBuffer = 128 * 1024;

        // A client that dies mid-body: the headers promise 2 MB, 700 kB are sent, and once the coordinator has
        // them on disk (short of its write buffer) the socket closes.
        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(h.Api.Server.HttpAddress.Host, h.Api.Server.HttpAddress.Port);
            var stream = socket.GetStream();
            var head = $"PUT /{DatasetHarness.Base}/files/ortho.tif HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {h.Acme}\r\n" +
                $"Content-Length: {bytes.Length}\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(bytes.AsMemory(0, sent));
            await stream.FlushAsync();
            for (var i = 0; i < 400 && h.Partials().Sum(p => new FileInfo(p).Length) < sent - WriteBuffer; i++)
            {
                await Task.Delay(25);
            }
        }

        // The coordinator sees the close when it next reads; ask until it has let go of the upload.
        UploadProgressDto? held = null;
        for (var i = 0; i < 400 && held is null; i++)
        {
            using var status = await h.SendAsync(HttpMethod.Put, $"{DatasetHarness.Base}/files/ortho.tif", h.Acme, new ByteArrayContent([]),
                r => r.Content!.Headers.TryAddWithoutValidation("Content-Range", $"bytes */{bytes.Length}"));
            held = status.StatusCode == HttpStatusCode.Accepted ? await ApiServer.ReadAsync(status, RestJsonContext.Default.UploadProgressDto) : null;
            await Task.Delay(held is null ? 25 : 0);
        }

        await Assert.That(held!.Received).IsBetween(sent - WriteBuffer, sent);
        await Assert.That(held.Total).IsEqualTo(bytes.Length);
        var offset = (int)held.Received;
        using var rest = await h.PutFileAsync("ortho.tif", bytes[offset..], Range(offset, bytes.Length - 1, bytes.Length));

        await Assert.That(rest.StatusCode).IsEqualTo(HttpStatusCode.Created);
        await Assert.That((await ApiServer.ReadAsync(rest, RestJsonContext.Default.DatasetEntryDto))!.Sha256).IsEqualTo(DatasetHarness.Sha256(bytes));
    }

    [Test]
    [Arguments("bytes 0-9")]
    [Arguments("bytes 0-9/*")]
    [Arguments("bytes 9-0/10")]
    [Arguments("bytes 0-10/10")]
    [Arguments("items 0-9/10")]
    [Arguments("bytes -1-9/10")]
    public async Task a_malformed_content_range_is_400_naming_it(string header)
    {
        await using var h = await DatasetHarness.StartAsync();
        var before = await h.StateAsync();

        using var response = await h.PutFileAsync("a.tif", new byte[10], r => r.Content!.Headers.TryAddWithoutValidation("Content-Range", header));

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        var problem = await ApiServer.ProblemAsync(response);
        await Assert.That(problem.ErrorCode).IsEqualTo("invalid_content_range");
        await Assert.That(problem.Errors![0].Path).IsEqualTo("Content-Range");
        await Assert.That(await h.StateAsync()).IsEqualTo(before);
    }
}
