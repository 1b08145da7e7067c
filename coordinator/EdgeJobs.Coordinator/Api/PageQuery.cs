using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

/// <summary>The <c>limit</c> and <c>cursor</c> of a keyset-paged list (the id of the last item of the previous page).</summary>
internal static class PageQuery
{
    /// <summary>The page asked for; the 400 naming the parameter when it is not one.</summary>
    public static (int Limit, long? Cursor, IResult? Problem) Read(IQueryCollection query, int defaultLimit, int maxLimit)
    {
        var limit = defaultLimit;
        if (query["limit"].ToString() is { Length: > 0 } rawLimit && (!int.TryParse(rawLimit, out limit) || limit < 1 || limit > maxLimit))
        {
            return (0, null, Problems.InvalidQuery("limit", $"limit must be an integer from 1 to {maxLimit}"));
        }

        if (query["cursor"].ToString() is not { Length: > 0 } rawCursor)
        {
            return (limit, null, null);
        }

        return JobIds.TryParse(rawCursor, out var cursor)
            ? (limit, cursor, null)
            : (0, null, Problems.InvalidQuery("cursor", "cursor must be the next_cursor (the last id) of the previous page"));
    }
}
