using System.Text.Json;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Campaigns;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Datasets;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator.Api;

/// <summary>
/// Campaigns (design §8.4): <c>POST /v1/campaigns</c> creates one (201; 200 when the same definition exists under that
/// id; 409 when another does), <c>GET /v1/campaigns</c> lists the caller's org's, <c>GET /v1/campaigns/{id}</c> is the
/// aggregate (without a token for a public campaign), <c>POST …/batches</c> starts the next parent batch (202),
/// <c>GET …/batches</c> lists them, <c>POST …/stop</c> stops the active batch and its children, <c>POST …/repair</c> queues
/// the jobs that make missing variants.
/// </summary>
internal sealed class CampaignsApi(JobLedger ledger, JobsApi jobs, CoordinatorOptions options, BatchReader reader, VariantRepair repair, ILogger logger)
{
    public const int DefaultBatchRecords = 100;
    public const int MaxBatchRecords = 10_000;

    public async Task<IResult> CreateAsync(HttpContext http)
    {
        var (request, problem) = await RequestBody.ReadAsync(http, RestJsonContext.Default.CreateCampaignRequest).ConfigureAwait(false);
        if (request is null)
        {
            return problem!;
        }

        var principal = ScopeFilter.Current(http);
        var violations = new List<ViolationDto>();
        if (!Slugs.IsValid(request.Id))
        {
            violations.Add(new ViolationDto("$.id", Slugs.Rule));
        }

        if (request.Title is { Length: > 200 })
        {
            violations.Add(new ViolationDto("$.title", "must be at most 200 characters"));
        }

        if (request.CampaignTotalChildren is < 1 or > 1_000_000_000)
        {
            violations.Add(new ViolationDto("$.campaign_total_children", "must be between 1 and 1000000000"));
        }

        violations.AddRange(CatalogSourceRules.Check(request.Source, options.CatalogAllow));
        if (request.Source is { Type: CatalogSource.Dataset, Dataset: { } dataset } && violations.Count == 0)
        {
            DatasetNames.TrySplit(dataset, principal.HomeOrg, out var org, out var name);
            if (!principal.Has(Scopes.DatasetsRead) || !principal.SeesDataset(org, name) || await ledger.GetDatasetAsync(org, name).ConfigureAwait(false) is null)
            {
                violations.Add(new ViolationDto("$.source.dataset", $"no dataset '{org}/{name}' that this token may read"));
            }
        }

        CheckTemplate(principal, request.Template, "$.template", violations);
        var variants = request.Variants ?? [];
        if (variants.Count > 16)
        {
            violations.Add(new ViolationDto("$.variants", "at most 16 rules"));
        }

        for (var i = 0; i < variants.Count; i++)
        {
            var rule = variants[i];
            if (!Slugs.IsValid(rule.Name) || variants.Take(i).Any(v => v.Name == rule.Name))
            {
                violations.Add(new ViolationDto($"$.variants[{i}].name", "must be unique, " + Slugs.Rule));
            }

            CheckOutputPattern(rule.Output, $"$.variants[{i}].output", violations);
            CheckTemplate(principal, rule.Template, $"$.variants[{i}].template", violations);
        }

        if (violations.Count > 0)
        {
            return Problems.Of(400, "invalid_campaign", "Invalid campaign", string.Join("; ", violations.Select(v => $"{v.Path} {v.Reason}")), violations);
        }

        var created = new NewCampaign(request.Id, principal.HomeOrg, principal.Name, request.Title, CatalogSourceRules.Canonical(request.Source),
            JsonSerializer.Serialize(request.Template, RestJsonContext.Default.CampaignTemplateDto),
            request.Variants is null ? null : JsonSerializer.Serialize(request.Variants, RestJsonContext.Default.IReadOnlyListVariantRuleDto),
            request.CampaignTotalChildren, request.Public ?? false);
        var (result, row) = await ledger.CreateCampaignAsync(created).ConfigureAwait(false);
        if (result == CampaignCreateResult.Conflict)
        {
            // Ids are one namespace across orgs (the seed's unauthenticated aggregate route names only the id), so another
            // org's id is refused too, saying no more than that it is taken.
            return row.Org == principal.HomeOrg
                ? Problems.Of(409, "campaign_exists", "Campaign exists", $"campaign '{row.Id}' exists with another definition; campaigns never change: choose another id")
                : Problems.Of(409, "campaign_id_taken", "Campaign id taken", $"the id '{row.Id}' is taken: campaign ids are unique across this coordinator; choose another");
        }

        if (result == CampaignCreateResult.Created)
        {
            logger.CampaignCreated(row.Id, row.Owner, request.Source.Type);
        }

        return await AggregateAsync(row.Id, result == CampaignCreateResult.Created ? 201 : 200).ConfigureAwait(false);
    }

    /// <summary>The template's tool, its scope and its placeholders (params themselves are checked per record).</summary>
    private void CheckTemplate(Principal principal, CampaignTemplateDto template, string path, List<ViolationDto> violations)
    {
        var tool = options.Catalog.Find(template.Tool, template.Version);
        if (tool is null || Array.IndexOf(Catalog.Tools.ToolCatalog.CoordinatorJobKinds, template.Tool) >= 0)
        {
            violations.Add(new ViolationDto(path + ".tool", $"'{Problems.Truncate(template.Tool)}'{(template.Version is { } v ? $" v{Problems.Truncate(v)}" : "")} is not a known tool"));
        }
        else if (!principal.Has(tool.RequiredScope))
        {
            violations.Add(new ViolationDto(path + ".tool", $"tool '{tool.Id}' needs the scope '{tool.RequiredScope}', which this token lacks"));
        }

        if (template.Params is { } parameters)
        {
            if (parameters.ValueKind != JsonValueKind.Object)
            {
                violations.Add(new ViolationDto(path + ".params", "must be an object"));
            }
            else
            {
                foreach (var unknown in RecordPlaceholders.Strings(parameters).SelectMany(RecordPlaceholders.Unknown).Distinct())
                {
                    violations.Add(new ViolationDto(path + ".params", $"{{record.{Problems.Truncate(unknown)}}} is not a record field; use {string.Join(", ", RecordPlaceholders.Fields.Select(f => $"{{record.{f}}}"))}"));
                }
            }
        }

        if (template.Dataset is { } dataset && !DatasetNames.TrySplit(dataset, null, out _, out _))
        {
            violations.Add(new ViolationDto(path + ".dataset", "must be org/name"));
        }

        if (template.Priority is < -1000 or > 1000)
        {
            violations.Add(new ViolationDto(path + ".priority", "must be between -1000 and 1000"));
        }

        if (template.MaxAttempts is < 1 or > 100)
        {
            violations.Add(new ViolationDto(path + ".max_attempts", "must be between 1 and 100"));
        }

        if (template.TimeoutS is { } timeout && (!double.IsFinite(timeout) || timeout <= 0 || timeout > 30 * 86400))
        {
            violations.Add(new ViolationDto(path + ".timeout_s", "must be above 0 and at most 2592000 (30 days)"));
        }
    }

    private static void CheckOutputPattern(string output, string path, List<ViolationDto> violations)
    {
        if (RecordPlaceholders.Unknown(output).FirstOrDefault() is { } unknown)
        {
            violations.Add(new ViolationDto(path, $"{{record.{Problems.Truncate(unknown)}}} is not a record field"));
        }
        else if (output.Length is 0 or > 1024 || Catalog.Paths.DataRootPaths.Check(output.Replace("{record.", "record.", StringComparison.Ordinal)) is not null)
        {
            violations.Add(new ViolationDto(path, "must be a relative path (1-1024 characters, no '..') with record placeholders, e.g. rgb/{record.stem}_rgb.tif"));
        }
    }

    public async Task<IResult> ListAsync(HttpContext http)
    {
        var (limit, cursor, pageProblem) = Page(http.Request.Query);
        if (pageProblem is not null)
        {
            return pageProblem;
        }

        var (rows, next) = await ledger.ListCampaignsAsync(ScopeFilter.Current(http).Org, cursor, limit).ConfigureAwait(false);
        var list = new List<CampaignDto>(rows.Count);
        foreach (var row in rows)
        {
            if (await ledger.GetCampaignProgressAsync(row.Id).ConfigureAwait(false) is { } progress)
            {
                list.Add(CampaignMapper.ToDto(progress.Campaign, progress.Children, progress.Latest, progress.LatestJob));
            }
        }

        return Results.Json(new CampaignListDto(list, next?.ToString(System.Globalization.CultureInfo.InvariantCulture)), RestJson.Wire.CampaignListDto);
    }

    /// <summary>The aggregate. A public campaign answers anyone; another needs a token of its org (else 401, or 404 for another org's).</summary>
    public async Task<IResult> GetAsync(HttpContext http, string id)
    {
        var (campaign, problem) = await FindVisibleAsync(http, id).ConfigureAwait(false);
        return campaign is null ? problem! : await AggregateAsync(id, 200).ConfigureAwait(false);
    }

    /// <summary>What a caller without a token hears of a private campaign and of an id no campaign has: the same.</summary>
    private const string NoPublicCampaign = "no public campaign has this id: send 'Authorization: Bearer TOKEN' with jobs:read";

    /// <summary>A campaign whose aggregate the caller may read (any caller for a public one); shared with the seed APIs.</summary>
    internal async Task<(CampaignRow? Campaign, IResult? Problem)> FindVisibleAsync(HttpContext http, string id)
    {
        var campaign = Slugs.IsValid(id) ? await ledger.GetCampaignAsync(id).ConfigureAwait(false) : null;
        if (campaign is null)
        {
            // Without a token, an id that does not exist answers as a private one does: nothing says which ids exist.
            return (null, ScopeFilter.CurrentOrNull(http) is null ? Problems.Unauthorized(NoPublicCampaign) : NotFound(id));
        }

        if (campaign.Public == 0)
        {
            var principal = ScopeFilter.CurrentOrNull(http);
            if (principal is null)
            {
                return (null, Problems.Unauthorized(NoPublicCampaign));
            }

            if (!principal.Has(Scopes.JobsRead) && !principal.Has(Scopes.JobsWrite))
            {
                return (null, Problems.Forbidden("this token lacks the scope 'jobs:read' or 'jobs:write'"));
            }

            if (!principal.SeesOrg(campaign.Org))
            {
                return (null, NotFound(id));
            }
        }

        return (campaign, null);
    }

    private async Task<IResult> AggregateAsync(string id, int status)
    {
        var progress = await ledger.GetCampaignProgressAsync(id).ConfigureAwait(false);
        return progress is not { } p
            ? NotFound(id)
            : Results.Json(CampaignMapper.ToDto(p.Campaign, p.Children, p.Latest, p.LatestJob), RestJson.Wire.CampaignDto, statusCode: status);
    }

    public async Task<IResult> CreateBatchAsync(HttpContext http, string id)
    {
        var (campaign, problem) = await FindOwnAsync(http, id).ConfigureAwait(false);
        if (campaign is null)
        {
            return problem!;
        }

        var (request, bodyProblem) = await RequestBody.ReadAsync(http, RestJsonContext.Default.CreateBatchRequest).ConfigureAwait(false);
        if (request is null)
        {
            return bodyProblem!;
        }

        var (created, startProblem) = await StartBatchAsync(ScopeFilter.Current(http), campaign, request).ConfigureAwait(false);
        if (created is null)
        {
            return startProblem!;
        }

        var batch = await ledger.GetCampaignBatchAsync(created.Id).ConfigureAwait(false);
        var dto = JobMapper.ToDto(created) with { Batch = batch is null ? null : CampaignMapper.ToDto(batch, created) };
        http.Response.Headers.Location = $"/v1/jobs/{created.Id}";
        return Results.Json(dto, RestJson.Wire.JobDto, statusCode: 202);
    }

    /// <summary>
    /// Starts <paramref name="campaign"/>'s next parent batch for <paramref name="principal"/> (who may act on it) and
    /// wakes the reader: the batch job, or the problem (400 bad cursor or size, 409 active batch, exhausted or not where
    /// the campaign continues, 429 quota). Shared with the seed APIs, which shape the answer in their own words.
    /// </summary>
    internal async Task<(JobRow? Job, IResult? Problem)> StartBatchAsync(Principal principal, CampaignRow campaign, CreateBatchRequest request)
    {
        var violations = new List<ViolationDto>();
        if (request.StartPosition is < 1)
        {
            violations.Add(new ViolationDto("$.start_position", "must be 1 or more (the first record is 1)"));
        }

        if (request.MaxRecords is < 1 or > MaxBatchRecords)
        {
            violations.Add(new ViolationDto("$.max_records", $"must be between 1 and {MaxBatchRecords}"));
        }

        if (violations.Count > 0)
        {
            return (null, Problems.InvalidBody(violations));
        }

        var start = request.StartPosition ?? campaign.NextStartPosition ?? 1;
        var job = new NewJob
        {
            Tool = JobRow.CampaignBatchTool,
            ToolVersion = "1",
            Params = JsonText.Write(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("campaign", campaign.Id);
                writer.WriteNumber("start_position", start);
                writer.WriteNumber("max_records", request.MaxRecords ?? DefaultBatchRecords);
                writer.WriteEndObject();
            }),
            Owner = principal.Name,
            Org = campaign.Org,
            MaxAttempts = 1,
        };
        var policy = new SubmitPolicy { Lookback = options.DedupLookback, Quotas = options.Quotas };
        var outcome = await ledger.SubmitBatchAsync(new NewBatch(campaign.Num, job, start, request.MaxRecords ?? DefaultBatchRecords, request.Force ?? false,
            BatchPrincipal.Of(principal)), policy).ConfigureAwait(false);
        switch (outcome.Result)
        {
            case BatchSubmitResult.ActiveBatch:
                return (null, Problems.Of(409, "batch_active", "A batch is active",
                    $"batch job {outcome.ActiveBatch} of campaign '{campaign.Id}' has not ended; batches run one at a time (stop it, or wait for it)"));
            case BatchSubmitResult.Exhausted:
                return (null, Problems.Of(409, "campaign_exhausted", "Catalog exhausted",
                    $"campaign '{campaign.Id}' has read its whole catalog (next_start_position is null); send force: true to read from start_position again"));
            case BatchSubmitResult.WrongStart:
                return (null, Problems.Of(409, "wrong_start_position", "Not where the campaign continues",
                    $"campaign '{campaign.Id}' continues at start_position {outcome.Expected}, not {start}; send force: true to start elsewhere (records may be processed again)",
                    [new ViolationDto("$.start_position", $"must be {outcome.Expected} (or force: true)")]));
            case BatchSubmitResult.QuotaExceeded:
                return (null, Problems.Of(429, "quota_exceeded", "Quota exceeded", $"the {outcome.Quota!.Quota} quota ({outcome.Quota.Limit}) is reached; try again when jobs have ended"));
        }

        var created = outcome.Job!;
        logger.JobSubmitted(created.Id, created.Tool, created.ToolVersion, created.Owner);
        reader.Wake();
        return (created, null);
    }

    public async Task<IResult> ListBatchesAsync(HttpContext http, string id)
    {
        var (campaign, problem) = await FindAsync(http, id).ConfigureAwait(false);
        if (campaign is null)
        {
            return problem!;
        }

        var (limit, cursor, pageProblem) = Page(http.Request.Query);
        if (pageProblem is not null)
        {
            return pageProblem;
        }

        var batches = await ledger.ListCampaignBatchesAsync(campaign.Num, cursor, limit).ConfigureAwait(false);
        var list = new List<BatchDto>(batches.Count);
        foreach (var batch in batches)
        {
            list.Add(CampaignMapper.ToDto(batch, await ledger.GetJobAsync(batch.JobId).ConfigureAwait(false)));
        }

        // A full page may have more behind it: the next starts below its last batch (the cursor is a batch's job id).
        var next = batches.Count == limit ? batches[^1].JobId.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return Results.Json(new BatchListDto(list, next), RestJson.Wire.BatchListDto);
    }

    /// <summary>Stops the active batch (its unfinished children with it, pushed to their agents at once); 200 with the aggregate.</summary>
    public async Task<IResult> StopAsync(HttpContext http, string id)
    {
        var (campaign, problem) = await FindOwnAsync(http, id).ConfigureAwait(false);
        if (campaign is null)
        {
            return problem!;
        }

        if (campaign.ActiveBatch is { } active)
        {
            await jobs.StopAndPushAsync(active, ScopeFilter.Current(http).Name).ConfigureAwait(false);
        }

        return await AggregateAsync(campaign.Id, 200).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>POST /v1/campaigns/{id}/repair</c> <c>{batch_job_id?, dry_run?}</c>: for each record (the batch's page, or the
    /// whole catalog), the variants its rules name that do not exist, and, unless a dry run, a job queued for each.
    /// </summary>
    public async Task<IResult> RepairAsync(HttpContext http, string id)
    {
        var (campaign, problem) = await FindOwnAsync(http, id).ConfigureAwait(false);
        if (campaign is null)
        {
            return problem!;
        }

        var (request, bodyProblem) = await RequestBody.ReadAsync(http, RestJsonContext.Default.RepairRequest).ConfigureAwait(false);
        if (request is null)
        {
            return bodyProblem!;
        }

        var (repaired, repairProblem) = await RepairAsync(http, campaign, request).ConfigureAwait(false);
        return repaired is null ? repairProblem! : Results.Json(repaired, RestJson.Wire.RepairDto);
    }

    /// <summary>The repair of <paramref name="campaign"/> for the caller of <paramref name="http"/> (any front door): the answer, or the problem.</summary>
    internal async Task<(RepairDto? Repair, IResult? Problem)> RepairAsync(HttpContext http, CampaignRow campaign, RepairRequest request)
    {
        if (campaign.Variants is null)
        {
            return (null, Problems.Of(409, "no_variants", "No variants rules", $"campaign '{campaign.Id}' names no variants: nothing can be missing"));
        }

        CampaignBatchRow? batch = null;
        if (request.BatchJobId is { } batchJobId)
        {
            batch = await ledger.GetCampaignBatchAsync(batchJobId).ConfigureAwait(false);
            if (batch is null || batch.Campaign != campaign.Num)
            {
                return (null, Problems.InvalidBody([new ViolationDto("$.batch_job_id", $"job {batchJobId} is not a batch of campaign '{campaign.Id}'")]));
            }

            if (batch.SpawnedAt is null)
            {
                return (null, Problems.Of(409, "batch_not_read", "Batch not read yet", $"batch job {batchJobId} has not read its page yet (or failed to): it has no records to repair"));
            }
        }

        List<(CatalogRecord Record, long Position)> records;
        try
        {
            (records, var truncated) = await repair.RecordsAsync(campaign, batch, http.RequestAborted).ConfigureAwait(false);
            if (truncated)
            {
                return (null, Problems.Of(413, "catalog_too_large", "Catalog too large to repair at once",
                    $"campaign '{campaign.Id}' has more than {repair.MaxRecords} records: repair it batch by batch (batch_job_id)"));
            }
        }
        catch (CatalogException e)
        {
            return (null, Problems.Of(502, e.Code, "Catalog unreadable", $"the records of campaign '{campaign.Id}' could not be read: {e.Message}"));
        }

        var rules = JsonSerializer.Deserialize(campaign.Variants, RestJsonContext.Default.IReadOnlyListVariantRuleDto)!;
        var missing = await repair.FindAsync(campaign, rules, records).ConfigureAwait(false);
        var principal = ScopeFilter.Current(http);
        var dryRun = request.DryRun ?? false;
        var answers = new List<MissingVariantDto>(missing.Count);
        foreach (var m in missing)
        {
            if (dryRun || m.Job is null)
            {
                answers.Add(new MissingVariantDto(m.Record.Id, m.Rule.Name, m.Output, null, m.Error));
                continue;
            }

            // Through the one submit: the tool's checks, quotas, and dedup (a repair asked twice finds its first jobs).
            var submission = await jobs.SubmitAsync(principal, m.Job, null, (_, _, _) => new StoredAnswer(202, null, "")).ConfigureAwait(false);
            answers.Add(submission.Refused is { } refused
                ? new MissingVariantDto(m.Record.Id, m.Rule.Name, m.Output, null, $"{refused.ErrorCode}: {refused.Detail}")
                : new MissingVariantDto(m.Record.Id, m.Rule.Name, m.Output, submission.Submitted.RanNow(out var outcome) ? outcome?.Job?.Id : null,
                    submission.Submitted.RanNow(out var o) && o?.Job is null ? $"quota_exceeded: {o?.Quota}" : null));
        }

        if (!dryRun && answers.Any(a => a.JobId is not null))
        {
            logger.VariantsRepaired(campaign.Id, answers.Count(a => a.JobId is not null), records.Count, principal.Name);
        }

        return (new RepairDto(dryRun, records.Count, answers), null);
    }

    /// <summary>A campaign the caller may read: in its org (another org's is a 404).</summary>
    private async Task<(CampaignRow? Campaign, IResult? Problem)> FindAsync(HttpContext http, string id)
    {
        var campaign = Slugs.IsValid(id) ? await ledger.GetCampaignAsync(id).ConfigureAwait(false) : null;
        return campaign is null || !ScopeFilter.Current(http).SeesOrg(campaign.Org) ? (null, NotFound(id)) : (campaign, null);
    }

    /// <summary>A campaign the caller may act on: its owner's, or any of an admin's org.</summary>
    internal async Task<(CampaignRow? Campaign, IResult? Problem)> FindOwnAsync(HttpContext http, string id)
    {
        var (campaign, problem) = await FindAsync(http, id).ConfigureAwait(false);
        if (campaign is null)
        {
            return (null, problem);
        }

        var principal = ScopeFilter.Current(http);
        return principal.IsAdmin || campaign.Owner == principal.Name
            ? (campaign, null)
            : (null, Problems.Forbidden($"campaign '{campaign.Id}' belongs to {campaign.Owner}; only it or an admin may run or stop its batches"));
    }

    /// <summary>A page of a list that takes no filter: <c>limit</c> and <c>cursor</c> only, anything else a 400.</summary>
    private static (int Limit, long? Cursor, IResult? Problem) Page(IQueryCollection query)
    {
        if (query.Keys.FirstOrDefault(key => key is not ("limit" or "cursor")) is { } unknown)
        {
            return (0, null, Problems.InvalidQuery(unknown, $"'{Problems.Truncate(unknown)}' is not a filter; use limit or cursor"));
        }

        return PageQuery.Read(query, JobsApi.DefaultLimit, JobsApi.MaxLimit);
    }

    private static IResult NotFound(string id) =>
        Problems.Of(404, "campaign_not_found", "No such campaign", $"campaign '{Problems.Truncate(id)}' does not exist");
}
