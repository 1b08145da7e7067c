using System.Globalization;

namespace EdgeJobs.Coordinator.Slurm;

/// <summary>
/// <c>edgejobs slurm check</c>: a tiny allocation of each queue, as the real ones would be asked for (partition,
/// account, extra arguments, workers) but for one minute, whose workers only run <c>edgejobs-agent --version</c>.
/// It waits for Slurm to run it (<c>sbatch --wait</c>) and reports Slurm's answer, before anything real is queued.
/// </summary>
public static class SlurmCheck
{
    public static async Task<(bool Ok, string Report)> RunAsync(SlurmQueue queue, string agent, string? binDir = null, CancellationToken cancellation = default)
    {
        var slurm = new SlurmCommands(binDir);
        var output = Path.Combine(Path.GetTempPath(), $"edgejobs-slurm-check-{Environment.ProcessId}-{queue.Name}.out");
        List<string> args =
        [
            .. BatchScript.Arguments(queue, 0, null).Where(a => !a.StartsWith("--job-name=", StringComparison.Ordinal) && !a.StartsWith("--output=", StringComparison.Ordinal)),
            "--job-name=edgejobs-check", "--time=1", "--output=" + output, "--wait",
        ];
        var script = "#!/bin/bash\nexec srun --ntasks=" + queue.WorkersPerAllocation.ToString(CultureInfo.InvariantCulture)
            + " " + BatchScript.Quote(agent) + " --version\n";
        var result = await slurm.RunAsync("sbatch", ["--parsable", .. args], script, cancellation).ConfigureAwait(false);
        var printed = File.Exists(output) ? (await File.ReadAllTextAsync(output, cancellation).ConfigureAwait(false)).Trim() : "";
        File.Delete(output);
        var job = result.Stdout.Trim().Split(';')[0];
        if (!result.Ok)
        {
            return (false, job.Length > 0
                ? $"queue {queue.Name}: Slurm job {job} failed (sbatch exit {result.Exit}): {result.Error} {printed}".TrimEnd()
                : $"queue {queue.Name}: sbatch refused the allocation: {result.Error}");
        }

        var agents = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        return (true, $"queue {queue.Name}: Slurm ran job {job} in partition {queue.Partition}: {agents} of {queue.WorkersPerAllocation} agents answered ({printed.Split('\n')[0].Trim()})");
    }
}
