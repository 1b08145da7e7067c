using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Headers;
using Microsoft.Net.Http.Headers;

namespace EdgeJobs.Coordinator.Api;

/// <summary>
/// A file download as <c>Results.File</c> answers it — ETag, Last-Modified, <c>Content-Disposition: attachment</c>,
/// <c>If-None-Match</c>/<c>If-Modified-Since</c> → 304, one <c>Range</c> → 206 (honouring <c>If-Range</c>), 416 when
/// unsatisfiable, HEAD without a body — but with the bytes read straight into Kestrel's output pipe and flushed a
/// megabyte at a time. <c>Results.File</c> copies through a 64 KiB buffer and sends each one on its own, a write
/// system call per 64 KiB, which on a virtual machine where system calls are dear left a 2 GB download at 0.72x
/// a plain nginx's speed.
/// </summary>
internal sealed class FileDownloadResult(FileStream file, string fileName, DateTimeOffset lastModified, string sha256) : IResult
{
    private const int FlushBytes = 1 << 20;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await using var owned = file;
        var request = httpContext.Request;
        var response = httpContext.Response;
        var length = file.Length;
        var etag = new EntityTagHeaderValue($"\"{sha256}\"");
        var modified = TruncateToSeconds(lastModified);
        var headers = response.GetTypedHeaders();
        headers.ETag = etag;
        headers.LastModified = modified;
        response.Headers.AcceptRanges = "bytes";
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(fileName);
        headers.ContentDisposition = disposition;

        var asked = request.GetTypedHeaders();
        if (NotModified(asked, etag, modified))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = "application/octet-stream";
        long start = 0, count = length;
        if (asked.Range is { Unit.Value: "bytes", Ranges.Count: 1 } range && IfRangeHolds(asked, etag, modified))
        {
            var r = range.Ranges.Single();
            long? first = r.From is { } from ? from : r.To is { } suffix ? Math.Max(0, length - suffix) : null;
            var last = r.From is null ? length - 1 : Math.Min(r.To ?? (length - 1), length - 1);
            if (first is null || first >= length || first > last || (r.From is null && r.To == 0))
            {
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                headers.ContentRange = new ContentRangeHeaderValue(length);
                response.ContentLength = 0;
                return;
            }

            (start, count) = (first.Value, last - first.Value + 1);
            response.StatusCode = StatusCodes.Status206PartialContent;
            headers.ContentRange = new ContentRangeHeaderValue(start, last, length);
        }

        response.ContentLength = count;
        if (HttpMethods.IsHead(request.Method))
        {
            return;
        }

        await SendAsync(response, start, count, httpContext.RequestAborted).ConfigureAwait(false);
    }

    private async Task SendAsync(HttpResponse response, long offset, long count, CancellationToken cancellation)
    {
        var writer = response.BodyWriter;
        long sent = 0, unflushed = 0;
        while (sent < count)
        {
            var memory = writer.GetMemory();
            var want = (int)Math.Min(memory.Length, count - sent);
            var read = RandomAccess.Read(file.SafeFileHandle, memory.Span[..want], offset + sent);
            if (read == 0)
            {
                throw new IOException($"the file ended {count - sent} bytes early (truncated on disk?)");
            }

            writer.Advance(read);
            sent += read;
            unflushed += read;
            if (unflushed >= FlushBytes || sent == count)
            {
                unflushed = 0;
                var flushed = await writer.FlushAsync(cancellation).ConfigureAwait(false);
                if (flushed.IsCanceled || flushed.IsCompleted)
                {
                    return; // the client went away
                }
            }
        }
    }

    private static bool NotModified(RequestHeaders asked, EntityTagHeaderValue etag, DateTimeOffset modified)
    {
        if (asked.IfNoneMatch is { Count: > 0 } tags)
        {
            return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(etag, useStrongComparison: false));
        }

        return asked.IfModifiedSince is { } since && modified <= since;
    }

    private static bool IfRangeHolds(RequestHeaders asked, EntityTagHeaderValue etag, DateTimeOffset modified) => asked.IfRange switch
    {
        null => true,
        { EntityTag: { } tag } => tag.Compare(etag, useStrongComparison: true),
        { LastModified: { } date } => modified <= date,
        _ => false,
    };

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        new(time.Year, time.Month, time.Day, time.Hour, time.Minute, time.Second, time.Offset);
}
