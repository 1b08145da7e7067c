using Dapper;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>A campaign to create: its catalog, its child template and its options (canonical JSON, checked).</summary>
public sealed record NewCampaign(string Id, string Org, string Owner, string? Title, string Source, string Template, string? Variants, long? TotalChildrenHint, bool Public);

public enum CampaignCreateResult { Created, Existing, Conflict }

// Campaigns (design §8.4): the campaign rows and their reads. Batches and children: JobLedger.CampaignBatches.cs.
public sealed partial class JobLedger
{
    private const string CampaignColumns = """
        num, id, org, owner, title, source, template, variants, total_children_hint, public, next_start_position, batches,
        total_children, active_batch, latest_batch, created_at, first_activity_at, last_activity_at
        """;

    /// <summary>
    /// Creates a campaign; the same definition under an existing id is that campaign (Existing), another one a Conflict.
    /// Ids are one namespace for every org: the aggregate of a public campaign is read by its id alone.
    /// </summary>
    // Not cached: the source and template can be longer than 4000 characters (see JobLedger.Recipes' SpawnStepJobs).
    [CacheCommand(false)]
    public Task<(CampaignCreateResult Result, CampaignRow Row)> CreateCampaignAsync(NewCampaign campaign) => WriteAsync(c =>
    {
        var existing = c.QuerySingleOrDefault<CampaignRow>($"SELECT {CampaignColumns} FROM campaigns WHERE id = @Id", new { campaign.Id });
        if (existing is not null)
        {
            var same = existing.Org == campaign.Org && existing.Title == campaign.Title && existing.Source == campaign.Source
                && existing.Template == campaign.Template && existing.Variants == campaign.Variants
                && existing.TotalChildrenHint == campaign.TotalChildrenHint && existing.Public == (campaign.Public ? 1 : 0);
            return (same ? CampaignCreateResult.Existing : CampaignCreateResult.Conflict, existing);
        }

        var row = c.QuerySingle<CampaignRow>($"""
            INSERT INTO campaigns (id, org, owner, title, source, template, variants, total_children_hint, public, next_start_position, created_at)
            VALUES (@Id, @Org, @Owner, @Title, @Source, @Template, @Variants, @TotalChildrenHint, @Public, 1, @Now)
            RETURNING {CampaignColumns}
            """, new { campaign.Id, campaign.Org, campaign.Owner, campaign.Title, campaign.Source, campaign.Template, campaign.Variants, campaign.TotalChildrenHint,
            Public = campaign.Public ? 1 : 0, Now = Now() });
        return (CampaignCreateResult.Created, row);
    });

    /// <summary>
    /// Gives a campaign created without <c>campaign_total_children</c> one (the only change a campaign takes: what its
    /// percent is of); the campaign afterwards, whichever total it has.
    /// </summary>
    public Task<CampaignRow?> SetCampaignTotalAsync(long num, long total) => WriteAsync(c =>
    {
        c.Execute("UPDATE campaigns SET total_children_hint = @Total WHERE num = @Num AND total_children_hint IS NULL", new { Num = num, Total = total });
        return c.QuerySingleOrDefault<CampaignRow>($"SELECT {CampaignColumns} FROM campaigns WHERE num = @Num", new { Num = num });
    });

    public async Task<CampaignRow?> GetCampaignAsync(string id)
    {
        await using var c = OpenReader();
        return c.QuerySingleOrDefault<CampaignRow>($"SELECT {CampaignColumns} FROM campaigns WHERE id = @Id", new { Id = id });
    }

    /// <summary>One page of campaigns, newest first (keyset on num); <paramref name="org"/> null for every org.</summary>
    public async Task<(IReadOnlyList<CampaignRow> Rows, long? Next)> ListCampaignsAsync(string? org, long? cursor, int limit)
    {
        await using var c = OpenReader();
        var rows = c.Query<CampaignRow>($"""
            SELECT {CampaignColumns} FROM campaigns
            WHERE num < @Cursor AND (@Org IS NULL OR org = @Org)
            ORDER BY num DESC LIMIT @Take
            """, new { Org = org, Cursor = cursor ?? long.MaxValue, Take = limit + 1 }).ToRowList();
        if (rows.Count <= limit)
        {
            return (rows, null);
        }

        rows.RemoveAt(rows.Count - 1);
        return (rows, rows[^1].Num);
    }

    /// <summary>
    /// What the aggregate answers, from counters only: the campaign, its children per state, and its latest batch
    /// (null before the first). A handful of primary-key reads however many children it has.
    /// </summary>
    public async Task<(CampaignRow Campaign, IReadOnlyList<CampaignChildCount> Children, CampaignBatchRow? Latest, JobRow? LatestJob)?> GetCampaignProgressAsync(string id)
    {
        await using var c = OpenReader();
        using var read = c.BeginTransaction(); // one snapshot: the counts agree with the campaign row
        var campaign = c.QuerySingleOrDefault<CampaignRow>($"SELECT {CampaignColumns} FROM campaigns WHERE id = @Id", new { Id = id }, read);
        if (campaign is null)
        {
            return null;
        }

        var children = c.Query<CampaignChildCount>("SELECT state, n, at FROM campaign_children WHERE campaign = @Num ORDER BY state",
            new { campaign.Num }, read).ToRowList();
        CampaignBatchRow? latest = null;
        JobRow? latestJob = null;
        if (campaign.LatestBatch is { } batch)
        {
            latest = c.QuerySingleOrDefault<CampaignBatchRow>("SELECT * FROM campaign_batches WHERE job_id = @JobId", new { JobId = batch }, read);
            latestJob = c.QuerySingleOrDefault<JobRow>($"SELECT {JobColumns.List} FROM jobs WHERE id = @Id", new { Id = batch }, read);
        }

        return (campaign, children, latest, latestJob);
    }

    /// <summary>A campaign's batches, newest first (keyset on the batch job id).</summary>
    public async Task<IReadOnlyList<CampaignBatchRow>> ListCampaignBatchesAsync(long campaign, long? cursor, int limit)
    {
        await using var c = OpenReader();
        return c.Query<CampaignBatchRow>("""
            SELECT * FROM campaign_batches WHERE campaign = @Campaign AND (@Cursor IS NULL OR job_id < @Cursor) ORDER BY job_id DESC LIMIT @Limit
            """, new { Campaign = campaign, Cursor = cursor, Limit = limit }).ToRowList();
    }

    /// <summary>The campaign numbered <paramref name="num"/> (a job's <c>campaign_id</c>); null if none is.</summary>
    public async Task<CampaignRow?> GetCampaignByNumAsync(long num)
    {
        await using var c = OpenReader();
        return c.QuerySingleOrDefault<CampaignRow>($"SELECT {CampaignColumns} FROM campaigns WHERE num = @Num", new { Num = num });
    }
}
