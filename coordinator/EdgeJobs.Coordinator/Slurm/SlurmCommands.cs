using System.Diagnostics;
using System.Globalization;

namespace EdgeJobs.Coordinator.Slurm;

/// <summary>
/// Slurm's own commands (<c>sbatch</c>, <c>squeue</c>, <c>sacct</c>, <c>scancel</c>) run as child processes, the way an
/// operator would: EdgeJobs never talks to slurmctld itself, so whatever authentication and configuration the
/// cluster's commands use (munge, <c>SLURM_CONF</c>) applies unchanged.
/// </summary>
public sealed class SlurmCommands(string? binDir = null)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    /// <summary>The outcome of a command: its exit code (-1: could not run or timed out) and its output.</summary>
    public readonly record struct Result(int Exit, string Stdout, string Stderr)
    {
        public bool Ok => Exit == 0;

        /// <summary>What the command said about a failure, on one line.</summary>
        public string Error => (Stderr.Trim() is { Length: > 0 } e ? e : Stdout.Trim()).ReplaceLineEndings(" ");
    }

    /// <summary>Submits <paramref name="script"/> (given on stdin); the job id, or Slurm's refusal.</summary>
    public async Task<(long? JobId, string? Error)> SbatchAsync(string script, IEnumerable<string> args, CancellationToken cancellation = default)
    {
        var result = await RunAsync("sbatch", ["--parsable", .. args], script, cancellation).ConfigureAwait(false);
        if (!result.Ok)
        {
            return (null, result.Error.Length > 0 ? result.Error : $"sbatch exited with {result.Exit}");
        }

        // --parsable: "jobid" or "jobid;cluster".
        var first = result.Stdout.Trim().Split(';')[0];
        return long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? (id, null)
            : (null, $"sbatch answered '{result.Stdout.Trim()}', not a job id");
    }

    /// <summary>
    /// Slurm's state (<c>PENDING</c>, <c>RUNNING</c>, <c>COMPLETED</c>, …) of each job squeue still knows, ended ones
    /// included (slurmctld keeps them for <c>MinJobAge</c>). Null when squeue itself failed (the controller is down):
    /// nothing can be concluded then.
    /// </summary>
    public async Task<Dictionary<long, string>?> SqueueAsync(IReadOnlyCollection<long> jobIds, CancellationToken cancellation = default)
    {
        var states = new Dictionary<long, string>();
        if (jobIds.Count == 0)
        {
            return states;
        }

        var result = await RunAsync("squeue", ["--noheader", "--states=all", "--format=%i %T", "--jobs=" + string.Join(',', jobIds)], null, cancellation).ConfigureAwait(false);
        if (!result.Ok)
        {
            // Every id unknown (purged long ago): squeue says so and exits 1; that is an answer, not a failure.
            return result.Stderr.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase) ? states : null;
        }

        foreach (var line in result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', 2);
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                states[id] = parts[1];
            }
        }

        return states;
    }

    /// <summary>The ids of jobs named <paramref name="name"/> squeue knows (an allocation whose sbatch answer was lost).</summary>
    public async Task<IReadOnlyList<long>> JobsNamedAsync(string name, CancellationToken cancellation = default)
    {
        var result = await RunAsync("squeue", ["--noheader", "--format=%i", "--name=" + name], null, cancellation).ConfigureAwait(false);
        return result.Ok
            ? [.. result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(l => long.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0).Where(id => id > 0)]
            : [];
    }

    /// <summary>The accounting record's state of a job squeue no longer knows; null without accounting (or no record).</summary>
    public async Task<string?> SacctStateAsync(long jobId, CancellationToken cancellation = default)
    {
        var result = await RunAsync("sacct", ["--noheader", "--allocations", "--parsable2", "--format=State", "--jobs=" + jobId.ToString(CultureInfo.InvariantCulture)], null, cancellation)
            .ConfigureAwait(false);
        var state = result.Ok ? result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() : null;
        // "CANCELLED by 0": the first word is the state.
        return state?.Split(' ')[0];
    }

    public async Task<Result> ScancelAsync(long jobId, CancellationToken cancellation = default) =>
        await RunAsync("scancel", [jobId.ToString(CultureInfo.InvariantCulture)], null, cancellation).ConfigureAwait(false);

    public async Task<Result> RunAsync(string command, IReadOnlyList<string> args, string? stdin, CancellationToken cancellation = default)
    {
        var info = new ProcessStartInfo(binDir is null ? command : Path.Combine(binDir, command))
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{command} did not start");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new Result(-1, "", $"{command}: {e.Message} (is Slurm's client installed and on PATH?)");
        }

        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(s_timeout);
            try
            {
                var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
                var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
                if (stdin is not null)
                {
                    try
                    {
                        await process.StandardInput.WriteAsync(stdin.AsMemory(), timeout.Token).ConfigureAwait(false);
                        process.StandardInput.Close();
                    }
                    catch (IOException)
                    {
                        // The command exited (or closed its input) before reading all of it — sbatch refusing an option
                        // does: its exit code and output below are its answer.
                    }
                }

                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                return new Result(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                return new Result(-1, "", $"{command} did not answer within {s_timeout.TotalSeconds} s");
            }
        }
    }
}
