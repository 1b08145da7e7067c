using EdgeJobs.Coordinator.Datasets;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Datasets;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeJobs.Coordinator.Api;

// PUT, GET (and HEAD), DELETE /v1/datasets/{org}/{ds}/files/{path}. An upload streams into its partial
// file, hashed as it arrives, and is published (rename, then the index row) under the dataset's lock.
internal sealed partial class DatasetsApi
{
    /// <summary>The header that tells a client how many bytes of its upload the coordinator holds.</summary>
    public const string UploadOffsetHeader = "Upload-Offset";

    private enum Received { Whole, PastRange, OverQuota, Broken }

    /// <summary>
    /// <c>PUT …/files/{path}</c>: the body is the file (201 new, 200 replaced), or with <c>Content-Range</c>
    /// one part of it (202 until the last part; <c>bytes */TOTAL</c> asks how much is held). 413 past the dataset's quota, 412 with <c>If-None-Match: *</c>
    /// when the entry exists, 409 when the part does not start where the partial upload ends.
    /// </summary>
    public async Task<IResult> UploadAsync(HttpContext http, string org, string ds, string? rawPath)
    {
        var (dataset, problem) = await FindAsync(http, org, ds).ConfigureAwait(false);
        if (dataset is null)
        {
            return problem!;
        }

        if ((DatasetPaths.Check(rawPath, out var path) ?? ThroughLink(org, ds, path)) is { } reason)
        {
            return InvalidPath("path", rawPath, reason);
        }

        ContentRange? range = null;
        if (http.Request.Headers.ContentRange.ToString() is { Length: > 0 } header)
        {
            if (ContentRange.TryParse(header, out var parsed) is { } bad)
            {
                return Problems.Of(400, "invalid_content_range", "Invalid Content-Range", $"Content-Range {bad}", [new ViolationDto("Content-Range", bad)]);
            }

            if (http.Request.ContentLength is { } length && length != parsed.Length)
            {
                const string mismatch = "covers a different number of bytes than Content-Length";
                return Problems.Of(400, "invalid_content_range", "Invalid Content-Range", $"Content-Range {mismatch}", [new ViolationDto("Content-Range", mismatch)]);
            }

            range = parsed;
        }

        var createOnly = http.Request.Headers.IfNoneMatch.ToString().Trim() == "*";
        var existing = await ledger.GetEntryAsync(org, ds, path).ConfigureAwait(false);
        if (createOnly && existing is not null)
        {
            return EntryExists(path);
        }

        if (store.Obstacle(org, ds, path) is { } obstacle)
        {
            return PathConflict(obstacle);
        }

        var partial = store.PartialPath(org, ds, path);
        if (!store.TryBeginUpload(partial))
        {
            return Problems.Of(409, "upload_in_progress", "Upload in progress", $"another upload of '{path}' is under way; retry when it ends");
        }

        try
        {
            var allowance = Allowance(dataset, existing);
            if ((range?.Total ?? http.Request.ContentLength) is { } declared && declared > allowance)
            {
                // It could never complete: an earlier part goes too.
                DatasetStore.DiscardPartial(partial);
                return QuotaExceeded(org, ds, dataset);
            }

            var held = PartialUpload.LengthOf(partial);
            if (range is { IsQuery: true } query)
            {
                http.Response.Headers[UploadOffsetHeader] = Invariant(held);
                return Results.Json(new UploadProgressDto(path, held, query.Total), RestJson.Wire.UploadProgressDto, statusCode: 202);
            }

            var start = range?.Start ?? 0;
            if (start != 0 && start != held)
            {
                http.Response.Headers[UploadOffsetHeader] = Invariant(held);
                return Problems.Of(409, "upload_offset_mismatch", "Upload offset mismatch",
                    $"the coordinator holds {held} bytes of '{path}'; send the part that starts at byte {held} (Content-Range: bytes {held}-…/TOTAL), or start again at 0");
            }

            try
            {
                await using var upload = start == 0 ? PartialUpload.Create(partial) : await PartialUpload.ResumeAsync(partial, http.RequestAborted).ConfigureAwait(false);
                var partEnd = range is { } r ? r.End + 1 : (long?)null;
                switch (await ReceiveAsync(http, upload, partEnd, allowance).ConfigureAwait(false))
                {
                    case Received.OverQuota:
                        upload.Discard();
                        return QuotaExceeded(org, ds, dataset);
                    case Received.PastRange:
                        await upload.KeepAsync().ConfigureAwait(false);
                        http.Response.Headers[UploadOffsetHeader] = Invariant(upload.Length);
                        return Problems.Of(400, "invalid_content_range", "Invalid Content-Range", "the body is longer than its Content-Range says",
                            [new ViolationDto("Content-Range", "is shorter than the body")]);
                    case Received.Broken:
                        // Kept for the client to resume: what arrived is on disk, and the offset says where to go on.
                        await upload.KeepAsync().ConfigureAwait(false);
                        http.Response.Headers[UploadOffsetHeader] = Invariant(upload.Length);
                        return Problems.Of(400, "upload_incomplete", "Upload incomplete",
                            $"the body ended after {upload.Length} bytes; continue with Content-Range: bytes {upload.Length}-…/TOTAL");
                }

                if (partEnd is { } end && upload.Length != end)
                {
                    await upload.KeepAsync().ConfigureAwait(false);
                    http.Response.Headers[UploadOffsetHeader] = Invariant(upload.Length);
                    return Problems.Of(400, "invalid_content_range", "Invalid Content-Range", "the body is shorter than its Content-Range says",
                        [new ViolationDto("Content-Range", "is longer than the body")]);
                }

                if (range is { IsLast: false } part)
                {
                    await upload.KeepAsync().ConfigureAwait(false);
                    http.Response.Headers[UploadOffsetHeader] = Invariant(upload.Length);
                    return Results.Json(new UploadProgressDto(path, upload.Length, part.Total), RestJson.Wire.UploadProgressDto, statusCode: 202);
                }

                var sha256 = await upload.SealAsync().ConfigureAwait(false);
                return await PublishAsync(http, org, ds, path, partial, sha256, createOnly).ConfigureAwait(false);
            }
            catch (UploadWriteException e)
            {
                // The disk refused a part (full, failing): what arrived is gone, so the client starts again at byte 0.
                http.Response.Headers[UploadOffsetHeader] = "0";
                return Problems.Of(500, "upload_failed", "Upload failed", $"the coordinator could not write '{path}' to disk ({e.Message}); send it again from byte 0");
            }
        }
        finally
        {
            store.EndUpload(partial);
        }
    }

    /// <summary>
    /// Reads the body into the partial straight from Kestrel's receive buffers, stopping at the part's end
    /// or the quota. The request-size cap of JSON endpoints does not apply: the dataset's quota does.
    /// </summary>
    private static async Task<Received> ReceiveAsync(HttpContext http, PartialUpload upload, long? partEnd, long allowance)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        var reader = http.Request.BodyReader;
        try
        {
            while (true)
            {
                // Not cancelled by RequestAborted: when the client goes away, that token fires at once and the
                // bytes that did arrive would be lost. The reader hands them over, then throws; a client that
                // stalls is ended by Kestrel's minimum data rate.
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    var after = upload.Length + segment.Length;
                    if (after > allowance)
                    {
                        reader.AdvanceTo(buffer.End);
                        return Received.OverQuota;
                    }

                    if (partEnd is { } end && after > end)
                    {
                        upload.Append(segment.Span[..(int)(end - upload.Length)]);
                        reader.AdvanceTo(buffer.End);
                        return Received.PastRange;
                    }

                    upload.Append(segment.Span);
                }

                reader.AdvanceTo(buffer.End);
                await upload.KeepUpAsync().ConfigureAwait(false);
                if (result.IsCompleted)
                {
                    return Received.Whole;
                }
            }
        }
        // A chunk the disk refused is not a broken body: it goes up as it is (500 upload_failed, nothing kept).
        catch (Exception e) when (e is (IOException and not UploadWriteException) or BadHttpRequestException or OperationCanceledException)
        {
            return Received.Broken;
        }
    }

    /// <summary>Renames the sealed upload into place and records it, after checking again what may have changed while it streamed.</summary>
    private async Task<IResult> PublishAsync(HttpContext http, string org, string ds, string path, string partial, string sha256, bool createOnly)
    {
        DatasetEntryRow entry;
        bool replaced;
        using (await store.Locks.EnterAsync(org, ds).ConfigureAwait(false))
        {
            var dataset = await ledger.GetDatasetAsync(org, ds).ConfigureAwait(false);
            if (dataset is null)
            {
                DatasetStore.DiscardPartial(partial);
                return DatasetNotFound(org, ds);
            }

            var previous = await ledger.GetEntryAsync(org, ds, path).ConfigureAwait(false);
            var size = PartialUpload.LengthOf(partial);
            if (createOnly && previous is not null)
            {
                DatasetStore.DiscardPartial(partial);
                return EntryExists(path);
            }

            if (size > Allowance(dataset, previous))
            {
                DatasetStore.DiscardPartial(partial);
                return QuotaExceeded(org, ds, dataset);
            }

            if (store.Obstacle(org, ds, path) is { } obstacle)
            {
                DatasetStore.DiscardPartial(partial);
                return PathConflict(obstacle);
            }

            var file = store.Publish(partial, org, ds, path);
            entry = new DatasetEntryRow
            {
                Path = path,
                Type = EntryTypes.Of(path),
                Size = file.Length,
                Sha256 = sha256,
                Mtime = new DateTimeOffset(file.LastWriteTimeUtc).ToUnixTimeMilliseconds(),
            }.WithRaster(inspector?.Inspect(file.FullName)); // headers only: milliseconds, and by its real name (some formats go by extension)
            // Under the lock nothing else changed the dataset since the checks above, so this is recorded.
            await ledger.PutEntryAsync(org, ds, entry).ConfigureAwait(false);
            replaced = previous is not null;
        }

        http.Response.Headers.ETag = $"\"{sha256}\"";
        if (!replaced)
        {
            http.Response.Headers.Location = FileUrl(org, ds, path);
        }

        return Results.Json(ToDto(entry), RestJson.Wire.DatasetEntryDto, statusCode: replaced ? 200 : 201);
    }

    /// <summary>
    /// <c>GET</c> (and <c>HEAD</c>) <c>…/files/{path}</c>: the file, with its SHA-256 as the ETag; Range → 206
    /// (416 when unsatisfiable), If-None-Match → 304 (<see cref="FileDownload"/>).
    /// </summary>
    public async Task<IResult> DownloadAsync(HttpContext http, string org, string ds, string? rawPath)
    {
        var (dataset, problem) = await FindAsync(http, org, ds).ConfigureAwait(false);
        if (dataset is null)
        {
            return problem!;
        }

        if ((DatasetPaths.Check(rawPath, out var path) ?? ThroughLink(org, ds, path)) is { } reason)
        {
            return InvalidPath("path", rawPath, reason);
        }

        return await ServeAsync(http, org, ds, path).ConfigureAwait(false);
    }

    /// <summary>An entry's file with its SHA-256 as the ETag, Range and conditional requests honoured; 404 without one.</summary>
    private async Task<IResult> ServeAsync(HttpContext http, string org, string ds, string path)
    {
        DatasetEntryRow? entry;
        FileStream? stream = null;
        // The row and the open file are taken together, so the ETag describes exactly the bytes sent even
        // when the path is replaced a moment later (the open handle keeps the file it opened).
        using (await store.Locks.EnterAsync(org, ds, http.RequestAborted).ConfigureAwait(false))
        {
            entry = await ledger.GetEntryAsync(org, ds, path).ConfigureAwait(false);
            if (entry is not null)
            {
                try
                {
                    stream = new FileStream(store.FilePath(org, ds, path), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 0, FileOptions.SequentialScan);
                }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
                {
                    stream = null;
                }
            }
        }

        if (entry is null)
        {
            return EntryNotFound(org, ds, path);
        }

        if (stream is null)
        {
            return Problems.Of(404, "entry_file_missing", "Entry file missing",
                $"the index lists '{path}' but its file is gone from the coordinator's disk; upload it again");
        }

        return new FileDownload(stream, path[(path.LastIndexOf('/') + 1)..], JobMapper.Time(entry.Mtime), entry.Sha256);
    }

    /// <summary><c>DELETE …/files/{path}</c>: 204; 404 when there is no such entry.</summary>
    public async Task<IResult> DeleteFileAsync(HttpContext http, string org, string ds, string? rawPath)
    {
        var (dataset, problem) = await FindAsync(http, org, ds).ConfigureAwait(false);
        if (dataset is null)
        {
            return problem!;
        }

        if ((DatasetPaths.Check(rawPath, out var path) ?? ThroughLink(org, ds, path)) is { } reason)
        {
            return InvalidPath("path", rawPath, reason);
        }

        using (await store.Locks.EnterAsync(org, ds, http.RequestAborted).ConfigureAwait(false))
        {
            // The row first: a crash between the two leaves a file nobody lists, never a listed file that is gone.
            if (await ledger.DeleteEntryAsync(org, ds, path).ConfigureAwait(false) is null)
            {
                return EntryNotFound(org, ds, path);
            }

            store.DeleteFile(org, ds, path);
        }

        return Results.NoContent();
    }

    /// <summary>How many bytes a file at a path may have: the quota, less what the rest of the dataset holds.</summary>
    private static long Allowance(DatasetRow dataset, DatasetEntryRow? replacing) =>
        dataset.ByteQuota is { } quota ? quota - dataset.BytesUsed + (replacing?.Size ?? 0) : long.MaxValue;

    private static IResult QuotaExceeded(string org, string ds, DatasetRow dataset) =>
        Problems.Of(413, "dataset_quota_exceeded", "Dataset quota exceeded",
            $"dataset '{org}/{ds}' may hold {dataset.ByteQuota} bytes and holds {dataset.BytesUsed}; the upload would pass that, so nothing was kept");

    private static IResult EntryExists(string path) =>
        Problems.Of(412, "entry_exists", "Entry exists", $"'{path}' exists and If-None-Match: * forbids replacing it");

    private static IResult PathConflict(string detail) => Problems.Of(409, "path_conflict", "Path conflict", detail);

    private static IResult EntryNotFound(string org, string ds, string path) =>
        Problems.Of(404, "entry_not_found", "No such entry", $"dataset '{org}/{ds}' has no entry '{path}'");
}
