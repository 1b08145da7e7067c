using System.Buffers.Text;
using System.Text;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Datasets;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

// GET /v1/datasets/{org}/{ds}/entries (the index, paged) and POST /v1/datasets/{org}/{ds}/move.
internal sealed partial class DatasetsApi
{
    public const int DefaultEntryLimit = 100;
    public const int MaxEntryLimit = 1000;

    /// <summary>
    /// <c>GET …/entries?prefix=&amp;type=&amp;limit=&amp;cursor=</c>: entries in path order. The cursor is opaque to
    /// clients (the last path of the page, base64url), so a page boundary holds however entries come and go.
    /// </summary>
    public async Task<IResult> EntriesAsync(HttpContext http, string org, string ds)
    {
        var (dataset, problem) = await FindAsync(http, org, ds).ConfigureAwait(false);
        if (dataset is null)
        {
            return problem!;
        }

        var query = http.Request.Query;
        foreach (var key in query.Keys)
        {
            if (key is not ("prefix" or "type" or "limit" or "cursor"))
            {
                return Problems.InvalidQuery(key, $"'{Problems.Truncate(key)}' is not a filter; use prefix, type, limit or cursor");
            }
        }

        var rawPrefix = Single(query, "prefix");
        if (DatasetPaths.CheckPrefix(rawPrefix, out var prefix) is { } reason)
        {
            return InvalidPath("prefix", rawPrefix, reason);
        }

        var type = Single(query, "type");
        if (type is not null && !EntryTypes.IsKnown(type))
        {
            return Problems.InvalidQuery("type", $"type must be one of {string.Join(", ", EntryTypes.All)}");
        }

        var limit = DefaultEntryLimit;
        if (Single(query, "limit") is { } rawLimit && (!int.TryParse(rawLimit, out limit) || limit is < 1 or > MaxEntryLimit))
        {
            return Problems.InvalidQuery("limit", $"limit must be an integer from 1 to {MaxEntryLimit}");
        }

        string? after = null;
        if (Single(query, "cursor") is { } rawCursor && (after = DecodeCursor(rawCursor)) is null)
        {
            return Problems.InvalidQuery("cursor", "cursor must be the next_cursor of a previous page");
        }

        var page = await ledger.ListEntriesAsync(new EntryQuery(org, ds, prefix, type, after, limit)).ConfigureAwait(false);
        return Results.Json(
            new DatasetEntryListDto([.. page.Entries.Select(ToDto)], page.NextAfter is { } last ? Base64Url.EncodeToString(Encoding.UTF8.GetBytes(last)) : null),
            RestJson.Wire.DatasetEntryListDto);
    }

    /// <summary>
    /// <c>POST …/move</c> <c>{from, to}</c>: renames an entry, or a folder with everything under it. 404 when
    /// nothing is at <c>from</c>, 409 when something is at <c>to</c>.
    /// </summary>
    public async Task<IResult> MoveAsync(HttpContext http, string org, string ds)
    {
        var (dataset, problem) = await FindAsync(http, org, ds).ConfigureAwait(false);
        if (dataset is null)
        {
            return problem!;
        }

        var (request, bodyProblem) = await RequestBody.ReadAsync(http, RestJsonContext.Default.MoveRequest).ConfigureAwait(false);
        if (request is null)
        {
            return bodyProblem!;
        }

        var violations = new List<ViolationDto>();
        if ((DatasetPaths.Check(request.From, out var from) ?? ThroughLink(org, ds, from)) is { } fromReason)
        {
            violations.Add(new ViolationDto("$.from", fromReason));
        }

        if ((DatasetPaths.Check(request.To, out var to) ?? ThroughLink(org, ds, to)) is { } toReason)
        {
            violations.Add(new ViolationDto("$.to", toReason));
        }
        else if (violations.Count == 0 && (to == from || to.StartsWith(from + "/", StringComparison.Ordinal)))
        {
            violations.Add(new ViolationDto("$.to", "must not be 'from' or inside it"));
        }

        if (violations.Count > 0)
        {
            return Problems.Of(400, "invalid_path", "Invalid path", string.Join("; ", violations.Select(v => $"{v.Path} {v.Reason}")), violations);
        }

        long moved;
        using (await store.Locks.EnterAsync(org, ds, http.RequestAborted).ConfigureAwait(false))
        {
            if (store.Obstacle(org, ds, to) is { } obstacle)
            {
                return PathConflict(obstacle);
            }

            (var result, moved) = await ledger.MoveEntriesAsync(org, ds, from, to, EntryTypes.Of(to)).ConfigureAwait(false);
            switch (result)
            {
                case EntryMoveResult.DatasetNotFound:
                    return DatasetNotFound(org, ds);
                case EntryMoveResult.NotFound:
                    return EntryNotFound(org, ds, from);
                case EntryMoveResult.TargetExists:
                    return Problems.Of(409, "entry_exists", "Entry exists", $"'{to}' exists (or holds entries) in dataset '{org}/{ds}'");
            }

            try
            {
                store.Move(org, ds, from, to);
            }
            catch (IOException)
            {
                // The files did not move, so neither does the index.
                await ledger.MoveEntriesAsync(org, ds, to, from, EntryTypes.Of(from)).ConfigureAwait(false);
                throw;
            }
        }

        return Results.Json(new MovedDto(from, to, moved), RestJson.Wire.MovedDto);
    }

    private static string? DecodeCursor(string cursor)
    {
        try
        {
            var path = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return DatasetPaths.Check(path, out var normalized) is null ? normalized : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
