using System.Globalization;
using System.Text;

namespace EdgeJobs.Coordinator.Slurm;

/// <summary>
/// The batch script of one allocation: <c>srun</c> starts <see cref="SlurmQueue.WorkersPerAllocation"/> agents, each
/// named <c>slurm-JOBID-RANK</c> (how the coordinator knows which nodes an allocation's end takes with it), with the
/// allocation's one-time token, its end (Slurm's <c>SLURM_JOB_END_TIME</c> where it sets one, else the start plus
/// the time limit), the queue's labels and idle timeout, and a work dir of its own that is removed when it exits.
/// </summary>
public static class BatchScript
{
    /// <summary>The Slurm job name of allocation <paramref name="allocationId"/>: how one whose sbatch answer was lost is found again.</summary>
    public static string JobName(long allocationId) => $"edgejobs-a{allocationId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The <c>sbatch</c> arguments: the queue's (partition, account, time, tasks), then its extra ones, which win.</summary>
    public static IReadOnlyList<string> Arguments(SlurmQueue queue, long allocationId, string? logDir)
    {
        List<string> args =
        [
            "--job-name=" + JobName(allocationId),
            "--partition=" + queue.Partition,
            "--time=" + Time(queue.TimeLimit),
            "--ntasks=" + queue.WorkersPerAllocation.ToString(CultureInfo.InvariantCulture),
            "--cpus-per-task=" + queue.SlotsPerWorker.ToString(CultureInfo.InvariantCulture),
            "--no-requeue",
            "--output=" + (logDir is null ? "/dev/null" : Path.Combine(logDir, $"allocation-{allocationId.ToString(CultureInfo.InvariantCulture)}-%j.log")),
        ];
        if (queue.Account is { } account)
        {
            args.Add("--account=" + account);
        }

        args.AddRange(queue.SbatchArgs);
        return args;
    }

    /// <param name="coordinator">The link address as compute nodes reach it (<c>host:port</c>).</param>
    /// <param name="tlsCa">The link's certificate for agents to trust, when the link speaks TLS.</param>
    /// <param name="logDir">
    /// Where each agent appends its log (<c>allocation-ID-JOBID-RANK.log</c>), written by the agent itself: through srun's
    /// output forwarding two lines per job cost a third of the no-op throughput. Null, or not writable from the node: the
    /// allocation's output.
    /// </param>
    public static string Render(SlurmQueue queue, string agent, string coordinator, string token, string? tlsCa, long allocationId = 0, string? logDir = null)
    {
        var limit = (long)queue.TimeLimit.TotalSeconds;
        var worker = new List<string>
        {
            agent, "--coordinator", coordinator, "--slots", queue.SlotsPerWorker.ToString(CultureInfo.InvariantCulture),
            "--idle-timeout", $"{(long)queue.IdleTimeout.TotalSeconds}s",
            "--drain-timeout", $"{(long)queue.DrainMargin.TotalSeconds}s",
        };
        foreach (var (key, value) in queue.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            worker.Add("--label");
            worker.Add($"{key}={value}");
        }

        if (tlsCa is not null)
        {
            worker.Add("--tls-ca");
            worker.Add(tlsCa);
        }

        var text = new StringBuilder();
        text.Append("#!/bin/bash\n");
        text.Append("# An EdgeJobs allocation: agents that take jobs from the coordinator until idle or near the walltime.\n");
        // sbatch exports the submitter's environment: none of the coordinator's EDGEJOBS_* settings (a token file!) may
        // reach the agents, which take only what this script gives them.
        text.Append("unset $(compgen -v EDGEJOBS_)\n");
        text.Append("export EDGEJOBS_TOKEN=").Append(Quote(token)).Append('\n');
        text.Append("export EDGEJOBS_ALLOCATION_END=\"${SLURM_JOB_END_TIME:-$(( $(date +%s) + ").Append(limit.ToString(CultureInfo.InvariantCulture)).Append(" ))}\"\n");
        text.Append("exec srun --kill-on-bad-exit=0 --ntasks=").Append(queue.WorkersPerAllocation.ToString(CultureInfo.InvariantCulture))
            .Append(" --cpus-per-task=").Append(queue.SlotsPerWorker.ToString(CultureInfo.InvariantCulture))
            .Append(" /bin/bash -c ")
            .Append(Quote(logDir is null ? Worker
                : $"log={Quote(Path.Combine(logDir, $"allocation-{allocationId.ToString(CultureInfo.InvariantCulture)}-"))}\"$SLURM_JOB_ID-$SLURM_PROCID.log\"; "
                  + $"if touch \"$log\" 2>/dev/null; then exec >>\"$log\" 2>&1; fi; {Worker}"))
            .Append(" edgejobs-worker");
        foreach (var arg in worker)
        {
            text.Append(' ').Append(Quote(arg));
        }

        text.Append('\n');
        return text.ToString();
    }

    /// <summary>One rank: the agent in a work dir of its own, named after the job and rank, the work dir removed after it.</summary>
    private const string Worker = """wd="${TMPDIR:-/tmp}/edgejobs-$SLURM_JOB_ID-$SLURM_PROCID"; "$@" --name "slurm-$SLURM_JOB_ID-$SLURM_PROCID" --work-dir "$wd"; rc=$?; rm -rf "$wd"; exit $rc""";

    /// <summary><c>D-HH:MM:SS</c>, rounded up to whole seconds.</summary>
    public static string Time(TimeSpan limit)
    {
        var seconds = (long)Math.Ceiling(limit.TotalSeconds);
        return string.Create(CultureInfo.InvariantCulture, $"{seconds / 86400}-{seconds / 3600 % 24:00}:{seconds / 60 % 60:00}:{seconds % 60:00}");
    }

    /// <summary>One word for bash, whatever it holds.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
