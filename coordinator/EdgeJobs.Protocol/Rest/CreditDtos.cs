namespace EdgeJobs.Protocol.Rest;

// Workspaces, credits and projects (README "Credits"). Credits are decimal numbers with at most three decimals.

/// <summary><c>POST /v1/workspaces</c>: a workspace of the caller's org (a global admin names <see cref="Org"/>) with an opening balance.</summary>
public sealed record CreateWorkspaceRequest(string Id, decimal Credits)
{
    public string? Title { get; init; }
    public string? Org { get; init; }
}

public sealed record WorkspaceDto(string Id, string Org, string? Title, decimal Balance, decimal Reserved, decimal Available, DateTimeOffset CreatedAt, string CreatedBy);

public sealed record WorkspaceListDto(IReadOnlyList<WorkspaceDto> Workspaces);

/// <summary><c>POST /v1/workspaces/{id}/credits</c>: add (or, negative, take away) credits, saying why.</summary>
public sealed record CreditChangeRequest(decimal Amount, string Reason);

/// <summary>One movement: <c>grant</c>, <c>adjust</c>, <c>reserve</c>, <c>settle</c> or <c>release</c>, with the totals after it.</summary>
public sealed record CreditEventDto(long Seq, DateTimeOffset At, string Kind, decimal Amount, decimal ReservedDelta, decimal BalanceAfter,
    decimal ReservedAfter, long? JobId, string Actor, string? Reason);

public sealed record CreditEventListDto(IReadOnlyList<CreditEventDto> Events, long? NextCursor);

/// <summary><c>POST /v1/projects</c>: a project of the caller's org (a global admin names <see cref="Org"/>); its creator is its first member.</summary>
public sealed record CreateProjectRequest(string Id)
{
    public string? Title { get; init; }
    public string? Org { get; init; }
}

public sealed record ProjectDto(string Id, string Org, string? Title, DateTimeOffset CreatedAt, string CreatedBy, IReadOnlyList<string> Members);
