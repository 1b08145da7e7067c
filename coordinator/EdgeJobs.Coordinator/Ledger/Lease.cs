namespace EdgeJobs.Coordinator.Ledger;

/// <summary>
/// A grant: the job offered to a node under <see cref="Fence"/>, valid until <see cref="ExpiresAt"/> unless accepted;
/// <see cref="Dataset"/> (<c>org/name</c>) when its paths name a dataset's entries; <see cref="StepId"/> and
/// <see cref="ParentId"/> for a recipe's step job.
/// </summary>
public sealed record Lease(
    long JobId,
    long Fence,
    int Attempt,
    string Tool,
    string ToolVersion,
    string Params,
    long? TimeoutMs,
    long ExpiresAt,
    string? Dataset = null,
    string? StepId = null,
    long? ParentId = null);

/// <summary>What an agent reports when an attempt ends.</summary>
/// <param name="CpuSeconds">The attempt's part of the agent's CPU time, as the agent measured it; null where it did not.</param>
public sealed record FinishReport(FinishOutcome Outcome, string? ErrorCode = null, string? ErrorMessage = null, double? CpuSeconds = null);

public readonly record struct ProgressReport(double Percent, string? Phase);
