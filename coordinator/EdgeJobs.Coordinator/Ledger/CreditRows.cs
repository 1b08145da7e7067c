namespace EdgeJobs.Coordinator.Ledger;

// Rows of the credit tables (migration 0017). Amounts are millicredits. Public and top level: Dapper.AOT maps only
// those (a private nested row type is skipped, and the publish then reports the reflection it fell back to).

/// <summary>A workspace: what it holds (<see cref="Balance"/>) and how much of that is held for unsettled jobs.</summary>
public sealed class WorkspaceRow
{
    public string Org { get; set; } = "";
    public string Id { get; set; } = "";
    public string? Title { get; set; }
    public long Balance { get; set; }
    public long Reserved { get; set; }
    public long CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";

    /// <summary>What a new job may still reserve.</summary>
    public long Available => Balance - Reserved;
}

/// <summary>One movement of a workspace's credits (append-only).</summary>
public sealed class CreditEventRow
{
    public long Seq { get; set; }
    public string Workspace { get; set; } = "";
    public long At { get; set; }
    public string Kind { get; set; } = "";
    public long Amount { get; set; }
    public long ReservedDelta { get; set; }
    public long BalanceAfter { get; set; }
    public long ReservedAfter { get; set; }
    public long? JobId { get; set; }
    public string Actor { get; set; } = "";
    public string? Reason { get; set; }
}

/// <summary>A job's reservation: open until settled (<see cref="Outcome"/> <c>settled</c>) or released.</summary>
public sealed class ReservationRow
{
    public long JobId { get; set; }
    public string Org { get; set; } = "";
    public string Workspace { get; set; } = "";
    public long Amount { get; set; }
    public long CreatedAt { get; set; }
    public long? SettledAt { get; set; }
    public long? Charged { get; set; }
    public string? Outcome { get; set; }
    /// <summary>Set as its job is deleted before register: the job's tool and what it measured, to settle from.</summary>
    public string? Tool { get; set; }
    public long? WallMs { get; set; }
    public long? CpuMs { get; set; }
    public long? OutputBytes { get; set; }
}

/// <summary>What register recorded for a job.</summary>
public sealed class RegistrationRow
{
    public long JobId { get; set; }
    public string Outputs { get; set; } = "[]";
    public double Seconds { get; set; }
    public double? CpuSeconds { get; set; }
    public long OutputBytes { get; set; }
    public long Charged { get; set; }
    public long RegisteredAt { get; set; }
    public string RegisteredBy { get; set; } = "";
}

/// <summary>
/// The work a completed job measurably did: its last attempt's wall seconds on the agent, the agent's CPU seconds for it
/// (null from agents that do not measure them) and the bytes of its artifact. Priced by <see cref="Seconds"/>: the CPU
/// seconds where measured, the wall seconds otherwise.
/// </summary>
public readonly record struct MeasuredWork(double WallSeconds, double? CpuSeconds, long OutputBytes)
{
    public double Seconds => CpuSeconds ?? WallSeconds;

    public override string ToString() => CpuSeconds is { } cpu
        ? FormattableString.Invariant($"measured {cpu:0.###} CPU s ({WallSeconds:0.###} s wall), {OutputBytes} output bytes")
        : FormattableString.Invariant($"measured {WallSeconds:0.###} s wall (the agent did not measure CPU), {OutputBytes} output bytes");
}

public enum CreditChangeResult { Changed, NotFound, Exists, WouldGoNegative }

/// <summary>What a grant or adjustment did, with the workspace after it (or as it stands, when refused).</summary>
public sealed record CreditChange(CreditChangeResult Result, WorkspaceRow? Workspace);

public enum RegisterResult { Registered, AlreadyRegistered, NotFound, NotCompleted }

/// <summary>What register did: the registration (new or the earlier one), the reservation it settled, the job as it stands.</summary>
public sealed record RegisterOutcome(RegisterResult Result, JobRow? Job, RegistrationRow? Registration, ReservationRow? Reservation, WorkspaceRow? Workspace = null);

/// <summary>A project: a group of an org's jobs whose members read them all.</summary>
public sealed class ProjectRow
{
    public string Org { get; set; } = "";
    public string Id { get; set; } = "";
    public string? Title { get; set; }
    public long CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
}
