using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Link;

namespace EdgeJobs.Coordinator.Link;

/// <summary>
/// An agent's per-output progress as the ledger stores it: a negative block total is unknown (null). Bounded
/// here, since the numbers come from another machine: a buggy agent cannot fill the ledger with names or make
/// the API show negative sizes.
/// </summary>
internal static class OutputReports
{
    /// <summary>Outputs kept per job; every tool writes one today.</summary>
    public const int MaxPerJob = 64;

    /// <summary>Longest output name kept, in characters.</summary>
    public const int MaxNameLength = 255;

    /// <summary>Null when the agent sent none (an older agent), so nothing stored is touched.</summary>
    public static IReadOnlyList<OutputProgress>? ToLedger(OutputReport[]? reports) =>
        reports is null
            ? null
            : [.. reports
                .Where(r => r.Name is { Length: > 0 and <= MaxNameLength })
                .DistinctBy(r => r.Name, StringComparer.Ordinal)
                .Take(MaxPerJob)
                .Select(r => new OutputProgress(r.Name, Math.Max(0, r.BytesWritten), Math.Max(0, r.BlocksDone),
                    r.BlocksTotal >= 0 ? r.BlocksTotal : null, Math.Max(0, r.Files)))];
}
