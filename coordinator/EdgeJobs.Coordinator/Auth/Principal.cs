using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Auth;

/// <summary>
/// The caller a bearer token identifies. The token's name is the owner recorded on its jobs; its
/// <see cref="Org"/> is the tenant it acts in, or null for a global token (the admin and agent tokens
/// minted at first start), which sees every org.
/// </summary>
public sealed record Principal(long TokenId, string Name, IReadOnlySet<string> Scopes, string? Org)
{
    public bool IsAdmin => Scopes.Contains(EdgeJobs.Protocol.Jobs.Scopes.JobsAdmin);

    public bool IsGlobal => Org is null;

    /// <summary>The datasets of its org this token is narrowed to; null for all of them.</summary>
    public IReadOnlySet<string>? Datasets { get; init; }

    /// <summary>The org this caller's new jobs go into.</summary>
    public string HomeOrg => Org ?? Orgs.Default;

    /// <summary>
    /// <c>jobs:admin</c> implies every scope but <c>agent</c>: read and write of jobs and datasets, and the processing
    /// operations' scopes (the operator's admin token, minted before those existed, manages them too).
    /// </summary>
    public bool Has(string scope) =>
        Scopes.Contains(scope) || (IsAdmin && scope != EdgeJobs.Protocol.Jobs.Scopes.Agent && EdgeJobs.Protocol.Jobs.Scopes.IsKnown(scope));

    /// <summary>Whether an org's datasets exist for this caller: another org's answer as absent (404).</summary>
    public bool SeesOrg(string org) => Org is null || string.Equals(org, Org, StringComparison.Ordinal);

    /// <summary>
    /// Whether a dataset exists for this caller: in an org it sees, and among the datasets it is narrowed to, if
    /// it is. Any other answers as absent (404), like another org's.
    /// </summary>
    public bool SeesDataset(string org, string dataset) => SeesOrg(org) && (Datasets is null || Datasets.Contains(dataset));

    /// <summary>Whether the job exists for this caller at all: another org's job is answered as absent (404).</summary>
    public bool Sees(JobRow job) => Org is null || string.Equals(job.Org, Org, StringComparison.Ordinal);

    /// <summary>Admins act on every job of their org (a global admin on every job); everyone else on their own.</summary>
    public bool MayActOn(JobRow job) => Sees(job) && (IsAdmin || string.Equals(job.Owner, Name, StringComparison.Ordinal));

    public static IReadOnlySet<string> ParseScopes(string commaList) =>
        new HashSet<string>(commaList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
}
