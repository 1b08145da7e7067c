using Dapper;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>
/// A filtered, offset-paged read of an org's jobs, for APIs that page by number (Geopera's <c>page</c>/<c>offset</c>)
/// rather than by cursor. Empty <see cref="States"/>: every state.
/// </summary>
public sealed record OrgJobQuery
{
    public string? Org { get; init; }
    public string? Workspace { get; init; }
    public string? Project { get; init; }
    public string? Tool { get; init; }
    public IReadOnlyCollection<JobState> States { get; init; } = [];
    public IReadOnlyList<long>? Ids { get; init; }
    public int Limit { get; init; } = 50;
    public int Offset { get; init; }
    public bool OldestFirst { get; init; }
}

public sealed partial class JobLedger
{
    private const string OrgJobsWhere = """
        FROM jobs
        WHERE (@Org IS NULL OR org = @Org)
          AND (@Workspace IS NULL OR workspace = @Workspace)
          AND (@Project IS NULL OR project = @Project)
          AND (@Tool IS NULL OR tool = @Tool)
          AND ((@Mask >> state) & 1) = 1
          AND (@Ids IS NULL OR id IN (SELECT value FROM json_each(@Ids)))
          AND step_id IS NULL
        """;

    /// <summary>One page of the jobs <paramref name="query"/> selects, and how many it selects in all.</summary>
    [CacheCommand(false)] // the id list may be longer than a cached command's text parameter
    public async Task<(IReadOnlyList<JobRow> Jobs, long Total)> QueryOrgJobsAsync(OrgJobQuery query)
    {
        var args = new
        {
            query.Org,
            query.Workspace,
            query.Project,
            query.Tool,
            Mask = query.States.Count == 0 ? -1L : query.States.Aggregate(0L, (m, s) => m | (1L << (int)s)),
            Ids = query.Ids is null ? null : "[" + string.Join(',', query.Ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]",
            Take = query.Limit,
            Skip = query.Offset,
        };
        await using var c = OpenReader();
        var total = c.ExecuteScalar<long>("SELECT count(*) " + OrgJobsWhere, args);
        var jobs = query.OldestFirst
            ? c.Query<JobRow>($"SELECT {JobColumns.List} {OrgJobsWhere} ORDER BY id LIMIT @Take OFFSET @Skip", args).ToRowList()
            : c.Query<JobRow>($"SELECT {JobColumns.List} {OrgJobsWhere} ORDER BY id DESC LIMIT @Take OFFSET @Skip", args).ToRowList();
        return (jobs, total);
    }
}
