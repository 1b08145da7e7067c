using System.Text.Json;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Campaigns;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.Met;

// The HySpex campaign routes: a parent batch is a batch of a CSW campaign (design §8.4, POST /v1/campaigns/{id}/batches),
// the aggregate is GET /v1/campaigns/{id} in MET's words.
internal sealed partial class MetJobsApi
{
    /// <summary>
    /// <c>POST /met/jobs/hyspex-csw-parent</c> <c>{campaign_id, start_position?, max_records?, campaign_total_children?,
    /// force?}</c>: 202 with the parent batch job. The campaign exists (<c>POST /v1/campaigns</c> with a CSW source);
    /// 404 none, 403 another owner's, 409 another source, a total other than the campaign's, an active batch, an
    /// exhausted catalog or a start away from the cursor (unless <c>force</c>); 400 a bad cursor or size.
    /// </summary>
    private const long MaxTotalChildren = 1_000_000_000;

    public async Task<IResult> ParentBatchAsync(HttpContext http)
    {
        var (request, problem) = await RequestBody.ReadAsync(http, MetJsonContext.Default.MetParentBatchRequest).ConfigureAwait(false);
        if (request is null)
        {
            return problem!;
        }

        if (request.CampaignId is not { } id)
        {
            return Problems.InvalidBody([new ViolationDto("$.campaign_id", "is required: the campaign's id (created with POST /v1/campaigns)")]);
        }

        var (campaign, findProblem) = await campaigns.FindOwnAsync(http, id).ConfigureAwait(false);
        if (campaign is null)
        {
            return findProblem!;
        }

        using (var source = JsonDocument.Parse(campaign.Source))
        {
            var type = source.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type != CatalogSource.Csw)
            {
                return Problems.Of(409, "not_a_csw_campaign", "Not a CSW campaign",
                    $"campaign '{campaign.Id}' reads a {type} source; hyspex-csw-parent runs batches of CSW campaigns (POST /v1/campaigns/{campaign.Id}/batches runs any)");
            }
        }

        // The seed sends campaign_total_children with its batches ("optional, improves progress summaries"): a campaign
        // created without one takes the first given (percent then has a total); a different one than it has is refused.
        if (request.CampaignTotalChildren is { } given && campaign.TotalChildrenHint is null)
        {
            if (given is < 1 or > MaxTotalChildren)
            {
                return Problems.InvalidBody([new ViolationDto("$.campaign_total_children", $"must be between 1 and {MaxTotalChildren}")]);
            }

            campaign = await ledger.SetCampaignTotalAsync(campaign.Num, given).ConfigureAwait(false) ?? campaign;
        }

        if (request.CampaignTotalChildren is { } total && total != campaign.TotalChildrenHint)
        {
            return Problems.Of(409, "campaign_mismatch", "Not the campaign's total",
                $"campaign '{campaign.Id}' was created with campaign_total_children {(campaign.TotalChildrenHint is { } hint ? hint.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unset")}; campaigns never change: send that, or leave it out",
                [new ViolationDto("$.campaign_total_children", campaign.TotalChildrenHint is { } h ? $"must be {h} (or absent)" : "must be absent: the campaign has none")]);
        }

        var batchRequest = new CreateBatchRequest { StartPosition = request.StartPosition, MaxRecords = request.MaxRecords, Force = request.Force };
        var (job, startProblem) = await campaigns.StartBatchAsync(ScopeFilter.Current(http), campaign, batchRequest).ConfigureAwait(false);
        if (job is null)
        {
            return startProblem!;
        }

        http.Response.Headers.Location = $"/met/jobs/{job.Id}";
        return await AnswerAsync(job, 202).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>GET /met/jobs/hyspex-csw-campaigns/{campaign_id}</c>: totals, children per MET status, percent, the latest
    /// batch and <c>next_start_position</c>, from the ledger's counters. A public campaign answers without a token.
    /// </summary>
    public async Task<IResult> CampaignAsync(HttpContext http, string id)
    {
        var (campaign, problem) = await campaigns.FindVisibleAsync(http, id).ConfigureAwait(false);
        if (campaign is null)
        {
            return problem!;
        }

        if (await ledger.GetCampaignProgressAsync(campaign.Id).ConfigureAwait(false) is not { } p)
        {
            return Problems.Of(404, "campaign_not_found", "No such campaign", $"campaign '{Problems.Truncate(id)}' does not exist");
        }

        var aggregate = CampaignMapper.ToDto(p.Campaign, p.Children, p.Latest, p.LatestJob);
        var children = MetStates.Names.ToDictionary(n => n, _ => 0L, StringComparer.Ordinal);
        foreach (var (name, count) in aggregate.Children)
        {
            if (JobStates.TryParse(name, out var state))
            {
                children[MetStates.Of(state)] += count;
            }
        }

        return Results.Json(new MetCampaignDto
        {
            CampaignId = aggregate.Id,
            Title = aggregate.Title,
            Public = aggregate.Public,
            CampaignTotalChildren = aggregate.CampaignTotalChildren,
            TotalChildren = aggregate.TotalChildren,
            Children = children,
            Percent = aggregate.Percent,
            Batches = aggregate.Batches,
            ActiveBatchJobId = aggregate.ActiveBatch,
            LatestBatch = aggregate.LatestBatch is { } latest ? ToDto(latest) : null,
            NextStartPosition = aggregate.NextStartPosition,
            Exhausted = aggregate.Exhausted,
            CreatedAt = aggregate.CreatedAt,
            FirstActivityAt = aggregate.FirstActivityAt,
            LastActivityAt = aggregate.LastActivityAt,
        }, MetJson.Wire.MetCampaignDto);
    }

    /// <summary>
    /// <c>POST /met/jobs/hyspex-missing-variants</c> <c>{campaign_id, batch_job_id?, dry_run?}</c>: the campaign's repair of
    /// missing variants (<c>POST /v1/campaigns/{id}/repair</c>): each record's variants that do not exist, and (unless a
    /// dry run) the job queued for each: 202 when any was queued, else 200.
    /// </summary>
    public async Task<IResult> MissingVariantsAsync(HttpContext http)
    {
        var (request, problem) = await RequestBody.ReadAsync(http, MetJsonContext.Default.MetMissingVariantsRequest).ConfigureAwait(false);
        if (request is null)
        {
            return problem!;
        }

        if (request.CampaignId is not { } id)
        {
            return Problems.InvalidBody([new ViolationDto("$.campaign_id", "is required: the campaign's id (created with POST /v1/campaigns, with variants)")]);
        }

        var (campaign, findProblem) = await campaigns.FindOwnAsync(http, id).ConfigureAwait(false);
        if (campaign is null)
        {
            return findProblem!;
        }

        var (repair, repairProblem) = await campaigns.RepairAsync(http, campaign, new RepairRequest { BatchJobId = request.BatchJobId, DryRun = request.DryRun }).ConfigureAwait(false);
        if (repair is null)
        {
            return repairProblem!;
        }

        var queued = repair.Missing.Count(m => m.JobId is not null);
        return Results.Json(new MetMissingVariantsDto
        {
            CampaignId = campaign.Id,
            DryRun = repair.DryRun,
            RecordsChecked = repair.RecordsChecked,
            Queued = queued,
            Missing = [.. repair.Missing.Select(m => new MetMissingVariantDto(m.Record, m.Variant, m.Output, m.JobId, m.Error))],
        }, MetJson.Wire.MetMissingVariantsDto, statusCode: queued > 0 ? 202 : 200);
    }
}
