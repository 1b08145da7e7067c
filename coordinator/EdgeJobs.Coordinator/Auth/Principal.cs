namespace EdgeJobs.Coordinator.Auth;

/// <summary>The caller a bearer token identifies. The token's name is the owner recorded on its jobs.</summary>
public sealed record Principal(long TokenId, string Name, IReadOnlySet<string> Scopes)
{
    public bool IsAdmin => Scopes.Contains(EdgeJobs.Protocol.Jobs.Scopes.JobsAdmin);

    /// <summary><c>jobs:admin</c> implies read and write; nothing implies <c>agent</c>.</summary>
    public bool Has(string scope) =>
        Scopes.Contains(scope) || (IsAdmin && scope is EdgeJobs.Protocol.Jobs.Scopes.JobsRead or EdgeJobs.Protocol.Jobs.Scopes.JobsWrite);

    /// <summary>Admins act on every job; everyone else on their own.</summary>
    public bool MayActOn(string owner) => IsAdmin || string.Equals(owner, Name, StringComparison.Ordinal);

    public static IReadOnlySet<string> ParseScopes(string commaList) =>
        new HashSet<string>(commaList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
}
