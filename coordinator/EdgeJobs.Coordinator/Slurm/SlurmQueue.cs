using EdgeJobs.Catalog.Tools;

namespace EdgeJobs.Coordinator.Slurm;

/// <summary>
/// One allocation queue (README "HPC"; HyperQueue's automatic allocation queue): what the coordinator asks Slurm for
/// when jobs wait that no connected agent takes, and its limits. From <c>--slurm-*</c> flags (queue <c>default</c>) or
/// from <c>--slurm-config</c> (<see cref="SlurmConfigFile"/>).
/// </summary>
public sealed record SlurmQueue
{
    public string Name { get; init; } = "default";

    public required string Partition { get; init; }

    public string? Account { get; init; }

    /// <summary>The allocation's walltime (<c>sbatch --time</c>); agents drain before it ends.</summary>
    public required TimeSpan TimeLimit { get; init; }

    /// <summary>Agents per allocation (<c>sbatch --ntasks</c>, started with <c>srun</c>).</summary>
    public int WorkersPerAllocation { get; init; } = 1;

    /// <summary>Slots of each agent, and the CPUs it asks for (<c>--cpus-per-task</c>).</summary>
    public int SlotsPerWorker { get; init; } = 1;

    /// <summary>Allocations of this queue at once, waiting in Slurm's queue or running.</summary>
    public int MaxAllocations { get; init; } = 4;

    /// <summary>Allocations that may wait in Slurm's queue at once.</summary>
    public int Backlog { get; init; } = 1;

    /// <summary>An agent with nothing to do for this long exits, and its allocation ends with it.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>More <c>sbatch</c> arguments, given after the queue's own (so they win).</summary>
    public IReadOnlyList<string> SbatchArgs { get; init; } = [];

    /// <summary>The agent binary as compute nodes see it; null: <c>edgejobs-agent</c> beside the coordinator's binary.</summary>
    public string? Agent { get; init; }

    /// <summary>Labels the queue's agents carry (<c>--label</c>), so jobs asking for them can be met.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Tool ids whose jobs this queue is for; null: every tool an agent runs.</summary>
    public IReadOnlyList<string>? Tools { get; init; }

    /// <summary>Failed submissions or starts in a row after which the queue pauses.</summary>
    public int MaxFailures { get; init; } = 3;

    /// <summary>How long before the walltime agents stop taking jobs and hand back what they still hold.</summary>
    public TimeSpan DrainMargin => TimeSpan.FromSeconds(Math.Clamp(TimeLimit.TotalSeconds / 10, 5, 120));

    /// <summary>Tools an agent runs that only the coordinator's own dataset agent may (they change whole datasets).</summary>
    public static readonly IReadOnlySet<string> CoordinatorOnlyTools = new HashSet<string>(StringComparer.Ordinal)
    {
        RescanIndexTool.Instance.Id, ArchiveExtractTool.Instance.Id, BulkDownloadTool.Instance.Id,
    };

    /// <summary>The tool ids this queue's allocations are for, from the coordinator's catalog when <see cref="Tools"/> is null.</summary>
    public IReadOnlyList<string> ToolsFrom(ToolCatalog catalog) =>
        Tools ?? [.. catalog.Tools.Select(t => t.Id).Where(id => !CoordinatorOnlyTools.Contains(id)).Distinct(StringComparer.Ordinal)];

    /// <summary>Why this queue cannot be used as configured, or null.</summary>
    public string? Problem() => this switch
    {
        { Name.Length: 0 or > 64 } => "a queue's name must be 1-64 characters",
        _ when Name.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_') => $"queue name '{Name}' may hold only letters, digits, '-' and '_'",
        { Partition.Length: 0 } => $"queue {Name}: the partition is required",
        { TimeLimit.TotalSeconds: < 60 } => $"queue {Name}: the time limit must be at least 1 minute (Slurm counts in minutes)",
        { WorkersPerAllocation: < 1 or > 1024 } => $"queue {Name}: workers per allocation must be 1-1024",
        { SlotsPerWorker: < 1 or > 1024 } => $"queue {Name}: slots per worker must be 1-1024",
        { MaxAllocations: < 1 } => $"queue {Name}: max allocations must be at least 1",
        { Backlog: < 1 } => $"queue {Name}: the backlog must be at least 1",
        { MaxFailures: < 1 } => $"queue {Name}: max failures must be at least 1",
        _ when IdleTimeout < TimeSpan.Zero => $"queue {Name}: the idle timeout cannot be negative",
        _ when TimeLimit <= DrainMargin * 2 => $"queue {Name}: the time limit is too short to drain before it",
        _ => null,
    };
}
