using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace EdgeJobs.Agent.Tools.Exec;

/// <summary>
/// A program started in a process group of its own, so that a stop reaches everything it started (its shell's
/// children, a JVM's helpers) and nothing of it outlives the job.
/// </summary>
/// <remarks>
/// .NET's <see cref="Process"/> cannot set a process group. The program is started through util-linux
/// <c>setsid</c>: a process .NET starts is not a group leader, so <c>setsid</c> calls setsid(2) and execs the
/// program without forking — its pid is the new session's and group's id, and .NET still waits for it as its own
/// child (exit code, pipes). Chosen over posix_spawn with POSIX_SPAWN_SETPGROUP through [LibraryImport]: that would
/// mean re-implementing pipes, environment and reaping that <see cref="Process"/> already does right, for the cost
/// of one exec of a binary every Linux has. A new session (not only a group) also detaches the program from the
/// agent's terminal, so a Ctrl+C on an interactive agent reaches the agent's drain, not the program.
/// </remarks>
internal sealed class ProcessGroup : IDisposable
{
    private const string Setsid = "setsid";

    private ProcessGroup(Process process)
    {
        Process = process;
        Id = process.Id;
    }

    public Process Process { get; }

    /// <summary>The group's id: the program's pid.</summary>
    public int Id { get; }

    /// <summary>Starts <paramref name="argv"/> (argv[0] the program, found on PATH) with stdout and stderr piped and stdin empty.</summary>
    public static ProcessGroup Start(IReadOnlyList<string> argv, string workDir, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(Setsid)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workDir,
        };
        start.ArgumentList.Add("--");
        foreach (var arg in argv)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new ToolFailure("exec_unavailable", "could not start setsid", retryable: true);
        }
        catch (Win32Exception e)
        {
            throw new ToolFailure("exec_unavailable", $"cannot start programs on this node: {Setsid} (util-linux) is needed: {e.Message}", retryable: true);
        }

        process.StandardInput.Close();
        return new ProcessGroup(process);
    }

    /// <summary>Sends <paramref name="signal"/> to every process of the group (nothing when none is left).</summary>
    public void Signal(int signal) => _ = ExecInterop.kill(-Id, signal);

    /// <summary>
    /// Whether a process of the group is still alive (zombies, waiting for a parent to reap them, are not). kill(-pgid, 0)
    /// answers "no such group" at once in the usual case; only when it finds one is /proc read, to tell zombies apart.
    /// </summary>
    public bool AnyAlive() =>
        !(ExecInterop.kill(-Id, 0) != 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == ExecInterop.ESRCH) && Members(Id).Any();

    /// <summary>
    /// Ends the group: SIGTERM to all, SIGKILL to what is left after <paramref name="grace"/>, then waits until none is
    /// alive. Returns whether SIGKILL was needed.
    /// </summary>
    public async Task<bool> EndAsync(TimeSpan grace)
    {
        Signal(ExecInterop.SIGTERM);
        if (await WaitEmptyAsync(grace).ConfigureAwait(false))
        {
            return false;
        }

        Signal(ExecInterop.SIGKILL);
        await WaitEmptyAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return true;
    }

    /// <summary>Kills what is left of the group at once (after the program itself ended: its leftovers have no job to finish).</summary>
    public async Task KillRemainingAsync()
    {
        if (AnyAlive())
        {
            Signal(ExecInterop.SIGKILL);
            await WaitEmptyAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
    }

    private async Task<bool> WaitEmptyAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (Process.HasExited && !AnyAlive())
            {
                return true;
            }

            if (clock.Elapsed >= limit)
            {
                return false;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>Pids of the live (not zombie) processes whose process group is <paramref name="groupId"/>, from /proc.</summary>
    public static IEnumerable<int> Members(int groupId)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // ended meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so read after the last ')'.
            var close = stat.LastIndexOf(')');
            var fields = close < 0 ? [] : stat[(close + 2)..].Split(' ', 4);
            if (fields.Length >= 3 && fields[0] != "Z" && fields[0] != "X"
                && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var group) && group == groupId)
            {
                yield return int.Parse(name, CultureInfo.InvariantCulture);
            }
        }
    }

    public void Dispose() => Process.Dispose();
}
