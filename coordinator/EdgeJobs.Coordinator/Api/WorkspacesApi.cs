using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Credits;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

/// <summary>
/// Workspaces and their credits (design §8.5, README "Credits"): <c>POST /v1/workspaces</c> (admin) opens one with a
/// balance, <c>POST /v1/workspaces/{id}/credits</c> (admin) grants or takes away with a reason, <c>GET
/// /v1/workspaces[/{id}]</c> reads balances, <c>GET /v1/workspaces/{id}/events</c> the append-only trail. Jobs reserve
/// from a workspace when they are submitted with <c>workspace</c>.
/// </summary>
internal sealed class WorkspacesApi(JobLedger ledger)
{
    private const int MaxReason = 500;

    public async Task<IResult> CreateAsync(HttpContext http)
    {
        var (request, problem) = await RequestBody.ReadAsync(http, RestJsonContext.Default.CreateWorkspaceRequest).ConfigureAwait(false);
        if (request is null)
        {
            return problem!;
        }

        var principal = ScopeFilter.Current(http);
        var violations = new List<ViolationDto>();
        var org = OrgChoice.CheckNew(principal, request.Id, request.Title, request.Org, violations);
        if (!CreditAmounts.TryToMilli(request.Credits, out var balance, out var why) || balance < 0)
        {
            violations.Add(new ViolationDto("$.credits", why ?? "must not be negative"));
        }

        if (violations.Count > 0)
        {
            return Problems.InvalidBody(violations);
        }

        var change = await ledger.CreateWorkspaceAsync(org!, request.Id, request.Title, balance, principal.Name, null).ConfigureAwait(false);
        return change.Result == CreditChangeResult.Exists
            ? Problems.Of(409, "workspace_exists", "Workspace exists",
                $"org '{org}' has a workspace '{request.Id}' already; change its credits with POST /v1/workspaces/{request.Id}/credits")
            : Results.Json(ToDto(change.Workspace!), RestJson.Wire.WorkspaceDto, statusCode: 201);
    }

    public async Task<IResult> GetAsync(HttpContext http, string id)
    {
        var (org, problem) = await FindAsync(http, id, []).ConfigureAwait(false);
        return problem ?? Results.Json(ToDto(org!), RestJson.Wire.WorkspaceDto);
    }

    public async Task<IResult> ListAsync(HttpContext http)
    {
        if (UnknownQuery(http, []) is { } unknown)
        {
            return unknown;
        }

        var (org, problem) = OrgChoice.FromQuery(http);
        if (problem is not null)
        {
            return problem;
        }

        var rows = org is null ? [] : await ledger.ListWorkspacesAsync(org).ConfigureAwait(false);
        return Results.Json(new WorkspaceListDto([.. rows.Select(ToDto)]), RestJson.Wire.WorkspaceListDto);
    }

    public async Task<IResult> ChangeCreditsAsync(HttpContext http, string id)
    {
        var (workspace, problem) = await FindAsync(http, id, []).ConfigureAwait(false);
        if (workspace is null)
        {
            return problem!;
        }

        var (request, bodyProblem) = await RequestBody.ReadAsync(http, RestJsonContext.Default.CreditChangeRequest).ConfigureAwait(false);
        if (request is null)
        {
            return bodyProblem!;
        }

        var violations = new List<ViolationDto>();
        if (!CreditAmounts.TryToMilli(request.Amount, out var amount, out var why) || amount == 0)
        {
            violations.Add(new ViolationDto("$.amount", why ?? "must not be zero"));
        }

        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > MaxReason)
        {
            violations.Add(new ViolationDto("$.reason", $"is required: say why, in at most {MaxReason} characters"));
        }

        if (violations.Count > 0)
        {
            return Problems.InvalidBody(violations);
        }

        var change = await ledger.AdjustCreditsAsync(workspace.Org, id, amount, ScopeFilter.Current(http).Name, request.Reason.Trim()).ConfigureAwait(false);
        return change.Result switch
        {
            CreditChangeResult.NotFound => NotFound(id),
            CreditChangeResult.WouldGoNegative => Problems.Of(409, "insufficient_credits", "Insufficient credits",
                $"workspace '{id}' holds {CreditAmounts.ToCredits(change.Workspace!.Balance)} credits of which {CreditAmounts.ToCredits(change.Workspace.Reserved)} are reserved for jobs; at most {CreditAmounts.ToCredits(change.Workspace.Available)} can be taken away"),
            _ => Results.Json(ToDto(change.Workspace!), RestJson.Wire.WorkspaceDto),
        };
    }

    public async Task<IResult> EventsAsync(HttpContext http, string id)
    {
        var (workspace, problem) = await FindAsync(http, id, ["limit", "cursor"]).ConfigureAwait(false);
        if (workspace is null)
        {
            return problem!;
        }

        var (limit, cursor, pageProblem) = PageQuery.Read(http.Request.Query, JobsApi.DefaultLimit, JobsApi.MaxLimit);
        if (pageProblem is not null)
        {
            return pageProblem;
        }

        var rows = await ledger.CreditEventsAsync(workspace.Org, id, cursor ?? 0, limit).ConfigureAwait(false);
        var events = rows.Select(e => new CreditEventDto(e.Seq, JobMapper.Time(e.At), e.Kind, CreditAmounts.ToCredits(e.Amount), CreditAmounts.ToCredits(e.ReservedDelta),
            CreditAmounts.ToCredits(e.BalanceAfter), CreditAmounts.ToCredits(e.ReservedAfter), e.JobId, e.Actor, e.Reason)).ToList();
        return Results.Json(new CreditEventListDto(events, rows.Count == limit ? rows[^1].Seq : null), RestJson.Wire.CreditEventListDto);
    }

    /// <summary>The workspace the caller means, or the problem: a malformed id is a 400, another org's or a missing one a 404.</summary>
    internal async Task<(WorkspaceRow? Workspace, IResult? Problem)> FindAsync(HttpContext http, string id, string[] otherQueryKeys)
    {
        if (UnknownQuery(http, otherQueryKeys) is { } unknown)
        {
            return (null, unknown);
        }

        if (!Slugs.IsValid(id))
        {
            return (null, Problems.Of(400, "invalid_workspace_id", "Invalid workspace id", $"a workspace id {Slugs.Rule}"));
        }

        var (org, problem) = OrgChoice.FromQuery(http);
        if (problem is not null)
        {
            return (null, problem);
        }

        var row = org is null ? null : await ledger.GetWorkspaceAsync(org, id).ConfigureAwait(false);
        return row is null ? (null, NotFound(id)) : (row, null);
    }

    private static IResult? UnknownQuery(HttpContext http, string[] allowed)
    {
        foreach (var key in http.Request.Query.Keys)
        {
            if (key != "org" && Array.IndexOf(allowed, key) < 0)
            {
                return Problems.InvalidQuery(key, $"'{Problems.Truncate(key)}' is not a parameter here; use {string.Join(", ", allowed.Append("org"))}");
            }
        }

        return null;
    }

    internal static WorkspaceDto ToDto(WorkspaceRow row) => new(row.Id, row.Org, row.Title, CreditAmounts.ToCredits(row.Balance),
        CreditAmounts.ToCredits(row.Reserved), CreditAmounts.ToCredits(row.Available), JobMapper.Time(row.CreatedAt), row.CreatedBy);

    private static IResult NotFound(string id) =>
        Problems.Of(404, "workspace_not_found", "No such workspace", $"workspace '{Problems.Truncate(id)}' does not exist");
}
