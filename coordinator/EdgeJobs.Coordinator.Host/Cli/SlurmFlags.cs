using System.CommandLine;
using EdgeJobs.Coordinator.Slurm;
using EdgeJobs.Hosting.CommandLine;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary>
/// The <c>--slurm-*</c> flags (README "HPC"; names fixed by issue 17): one queue, <c>default</c>, from flags, more from
/// <c>--slurm-config FILE</c>. Shared by <c>edgejobs coordinator</c> and <c>edgejobs slurm check</c>.
/// </summary>
internal sealed class SlurmFlags
{
    public Option<string?> Partition { get; } = Flags.Text("--slurm-partition", "P", "ask Slurm for agents in this partition when jobs wait that no agent takes (with --slurm-time-limit)");
    public Option<TimeSpan?> TimeLimit { get; } = Flags.OptionalDuration("--slurm-time-limit", "each allocation's walltime (sbatch --time); agents drain before it");
    public Option<string?> Account { get; } = Flags.Text("--slurm-account", "A", "sbatch --account");
    public Option<int> Workers { get; } = Flags.Int("--slurm-workers-per-allocation", "N", "agents per allocation, started with srun", 1, 1, 1024);
    public Option<int> Slots { get; } = Flags.Int("--slurm-slots-per-worker", "N", "slots of each agent, and the CPUs it asks for (--cpus-per-task)", 1, 1, 1024);
    public Option<int> MaxAllocations { get; } = Flags.Int("--slurm-max-allocations", "N", "allocations at once, queued or running", 4, 1, 10_000);
    public Option<int> Backlog { get; } = Flags.Int("--slurm-backlog", "N", "allocations that may wait in Slurm's queue at once", 1, 1, 10_000);
    public Option<TimeSpan> IdleTimeout { get; } = Flags.Duration("--slurm-idle-timeout", "an agent with nothing to do this long exits, ending its allocation", TimeSpan.FromMinutes(5));
    public Option<int> MaxFailures { get; } = Flags.Int("--slurm-max-failures", "N", "failed submissions or starts in a row before the queue pauses", 3, 1, 1000);
    public Option<string[]> SbatchArgs { get; } = Flags.Repeated("--slurm-sbatch-arg", "ARG", "one more sbatch argument (e.g. --slurm-sbatch-arg=--qos=low); repeatable");
    public Option<string?> Agent { get; } = Flags.Text("--slurm-agent", "PATH", "the edgejobs-agent binary as compute nodes see it (default: beside this binary)");
    public Option<string[]> Labels { get; } = Flags.Repeated("--slurm-label", "KEY=VALUE", "a label the allocations' agents carry (jobs asking for it can be met); repeatable");
    public Option<string?> Config { get; } = Flags.Text("--slurm-config", "FILE", "more allocation queues, as JSON (README \"HPC\")");
    public Option<TimeSpan> ConnectTimeout { get; } = Flags.Duration("--slurm-connect-timeout",
        "a started allocation none of whose agents connected within this is a failed start: cancelled, and counted towards pausing its queue", TimeSpan.FromMinutes(2), positive: true);
    public Option<string?> LinkAddress { get; } = Flags.Text("--slurm-link-address", "HOST:PORT", "where compute nodes reach the agent link (default: the --link address; this host's name for 0.0.0.0)");

    public static SlurmFlags AddTo(Command command)
    {
        var flags = new SlurmFlags();
        foreach (var option in new Option[]
        {
            flags.Partition, flags.TimeLimit, flags.Account, flags.Workers, flags.Slots, flags.MaxAllocations, flags.Backlog, flags.IdleTimeout,
            flags.MaxFailures, flags.SbatchArgs, flags.Agent, flags.Labels, flags.Config, flags.LinkAddress, flags.ConnectTimeout,
        })
        {
            command.Options.Add(option);
        }

        return flags;
    }

    /// <summary>The queues the flags describe (the flags' own first, named <c>default</c>); a usage error names what is wrong.</summary>
    public SlurmSettings Settings(ParseResult parsed)
    {
        var queues = new List<SlurmQueue>();
        var partition = parsed.GetValue(Partition);
        var limit = parsed.GetValue(TimeLimit);
        if (partition is not null || limit is not null)
        {
            if (partition is null || limit is null)
            {
                throw new UsageException("--slurm-partition and --slurm-time-limit go together");
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var label in parsed.GetValue(Labels) ?? [])
            {
                var eq = label.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new UsageException($"--slurm-label '{label}' must be key=value");
                }

                labels[label[..eq]] = label[(eq + 1)..];
            }

            var queue = new SlurmQueue
            {
                Partition = partition,
                TimeLimit = limit.Value,
                Account = parsed.GetValue(Account),
                WorkersPerAllocation = parsed.GetValue(Workers),
                SlotsPerWorker = parsed.GetValue(Slots),
                MaxAllocations = parsed.GetValue(MaxAllocations),
                Backlog = parsed.GetValue(Backlog),
                IdleTimeout = parsed.GetValue(IdleTimeout),
                MaxFailures = parsed.GetValue(MaxFailures),
                SbatchArgs = parsed.GetValue(SbatchArgs) ?? [],
                Agent = parsed.GetValue(Agent) is { } agent ? Path.GetFullPath(agent) : null,
                Labels = labels,
            };
            queues.Add(queue.Problem() is { } problem ? throw new UsageException("--slurm-*: " + problem) : queue);
        }

        if (parsed.GetValue(Config) is { } file)
        {
            queues.AddRange(SlurmConfigFile.Load(file));
        }

        if (queues.GroupBy(q => q.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new UsageException($"two Slurm queues are named '{twice.Key}'");
        }

        return new SlurmSettings { Queues = queues, LinkAddress = parsed.GetValue(LinkAddress), ConnectTimeout = parsed.GetValue(ConnectTimeout) };
    }
}
