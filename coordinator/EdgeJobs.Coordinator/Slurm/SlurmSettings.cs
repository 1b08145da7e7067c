namespace EdgeJobs.Coordinator.Slurm;

/// <summary>The coordinator's Slurm settings: its queues (none: no allocations) and how allocations reach it.</summary>
public sealed record SlurmSettings
{
    public IReadOnlyList<SlurmQueue> Queues { get; init; } = [];

    /// <summary>The agent binary compute nodes run when a queue names none: <c>edgejobs-agent</c> beside the coordinator's.</summary>
    public string DefaultAgent { get; init; } = Path.Combine(AppContext.BaseDirectory, "edgejobs-agent");

    /// <summary>Where Slurm's commands are; null: on PATH.</summary>
    public string? BinDir { get; init; }

    /// <summary>The link address as compute nodes reach it (<c>host:port</c>); null: derived from <c>--link</c> at start.</summary>
    public string? LinkAddress { get; init; }

    /// <summary>How often allocations are refreshed from Slurm and waiting jobs counted.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A started allocation none of whose agents connected within this is a failed start (cancelled, counted).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromMinutes(2);

    internal string CoordinatorAddress { get; init; } = "";

    internal string? TlsCa { get; init; }

    /// <summary>Where allocations' output goes (<c>DATA_DIR/slurm</c>); compute nodes must be able to write there, or pass <c>--output</c>.</summary>
    internal string? LogDir { get; init; }
}
