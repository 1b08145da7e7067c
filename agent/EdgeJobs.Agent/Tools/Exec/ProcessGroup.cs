using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace EdgeJobs.Agent.Tools.Exec;

/// <summary>
/// A program started in a process group of its own, so that a stop reaches everything it started (its shell's
/// children, a JVM's helpers) and nothing of it outlives the job. A process that leaves the group (its own
/// <c>setsid</c>, a daemon's double fork) is still found: every process of the run carries
/// <see cref="RunVariable"/> with the run's own value in its environment, which it inherits however it detaches.
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

    /// <summary>The variable that marks a run's processes; documented for manifests (it is not to be set by them).</summary>
    public const string RunVariable = "EDGEJOBS_RUN";

    private readonly byte[] _marker;
    private readonly long _startTicks;
    private readonly PidSpace? _pidsAtStart;

    private ProcessGroup(Process process, string run, PidSpace? pidsAtStart)
    {
        Process = process;
        Id = process.Id;
        _pidsAtStart = pidsAtStart;
        _marker = System.Text.Encoding.ASCII.GetBytes($"{RunVariable}={run}\0");
        // Only processes started since the program can be its descendants: older ones are never read.
        _startTicks = Stat.Read(Id) is { } leader ? leader.StartTicks : 0;
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

        var run = Guid.NewGuid().ToString("N");
        start.Environment[RunVariable] = run;

        var pids = PidSpace.Now();
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
        return new ProcessGroup(process, run, pids);
    }

    /// <summary>Sends <paramref name="signal"/> to every process of the group, and to each that left it.</summary>
    public void Signal(int signal)
    {
        _ = ExecInterop.kill(-Id, signal);
        foreach (var pid in Escaped())
        {
            _ = ExecInterop.kill(pid, signal);
        }
    }

    /// <summary>
    /// Whether a process of the run is still alive (zombies, waiting for a parent to reap them, are not). kill(-pgid, 0)
    /// answers "no such group" at once in the usual case; /proc is read to tell zombies apart and to find the processes
    /// that left the group.
    /// </summary>
    public bool AnyAlive()
    {
        var groupAlive = !(ExecInterop.kill(-Id, 0) != 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == ExecInterop.ESRCH);
        // One pass over /proc for both: a live member of the group (when the group is there at all), or one that left it.
        return Stat.All(LowestPid()).Any(s => s.Live && (s.Group == Id ? groupAlive : Left(s)));
    }

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
    public static IEnumerable<int> Members(int groupId) =>
        Stat.All(0).Where(s => s.Live && s.Group == groupId).Select(s => s.Pid);

    /// <summary>
    /// Below this pid no process of the run can be (the program's own, while pids have not wrapped since it started; else
    /// 0): /proc is read only above it. On a node of a thousand processes, reading every one's stat at each run's end took
    /// more time than starting the program.
    /// </summary>
    private int LowestPid() => _pidsAtStart?.LowestPidSince(Id) ?? 0;

    /// <summary>
    /// The live processes of this run outside its group: started since the program, in another group, with the run's
    /// marker in their environment. A process that replaced its whole environment is not found (and said so in the
    /// manifests' README).
    /// </summary>
    public IEnumerable<int> Escaped() => Stat.All(LowestPid()).Where(s => s.Live && Left(s)).Select(s => s.Pid);

    /// <summary>Whether a process outside the group is one of the run's: started since the program, carrying its marker.</summary>
    private bool Left(Stat stat) =>
        stat.Group != Id && stat.StartTicks >= _startTicks && stat.Pid != System.Environment.ProcessId && Carries(stat);

    /// <summary>How many times an empty environment is read again, a millisecond apart, before it is taken as empty.</summary>
    private const int EmptyEnvironRetries = 10;

    private bool Carries(Stat stat)
    {
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var environ = File.ReadAllBytes($"/proc/{stat.Pid}/environ");
                // Empty while the process is inside execve (its new memory mapped, its stack not yet written): a run's
                // process that had just left the group and was exec'ing its program was missed that way, and outlived
                // the run (a test's setsid'd sleep, once in a full test run). Kernel threads (kthreadd's children) are
                // always empty and never ours.
                if (environ.Length > 0 || stat.Parent == KernelThreads || stat.Pid == KernelThreads || attempt == EmptyEnvironRetries)
                {
                    return environ.AsSpan().IndexOf(_marker) >= 0; // the run's value is a fresh GUID: it matches nothing else
                }

                Thread.Sleep(1);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // ended meanwhile, or not ours to read (another user's: not started by this agent)
        }
    }

    /// <summary>kthreadd's pid: the parent of every kernel thread.</summary>
    private const int KernelThreads = 2;

    /// <summary>The fields of /proc/PID/stat a run is told by.</summary>
    /// <remarks>
    /// Every process's stat is read at each look for escaped processes, so at every run's end: through open/read/close
    /// into a stack buffer and parsed as bytes, it costs a few microseconds a process; through File.ReadAllText and
    /// string splitting it cost about ten times that, and halved the no-op jobs an agent ran per second.
    /// </remarks>
    private readonly record struct Stat(int Pid, bool Live, int Parent, int Group, long StartTicks)
    {
        /// <summary>Every process from <paramref name="lowest"/> up.</summary>
        public static IEnumerable<Stat> All(int lowest)
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                var name = Path.GetFileName(dir.AsSpan());
                if (name.Length > 0 && char.IsAsciiDigit(name[0]) && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                    && pid >= lowest && Read(pid) is { } stat)
                {
                    yield return stat;
                }
            }
        }

        public static Stat? Read(int pid)
        {
            // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime
            // cstime priority nice num_threads itrealvalue starttime ...: comm may hold spaces and parentheses, so
            // the fields are read after the last ')'. The whole line is well under 1 KiB.
            Span<byte> line = stackalloc byte[1024];
            var length = ExecInterop.ReadSmallFile($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat", line);
            if (length <= 0)
            {
                return null; // ended meanwhile
            }

            var rest = line[..length];
            var close = rest.LastIndexOf((byte)')');
            if (close < 0 || close + 2 >= rest.Length)
            {
                return null;
            }

            rest = rest[(close + 2)..];
            var state = rest[0];
            long parent = -1, group = -1, start = -1;
            for (var field = 0; field <= 19 && !rest.IsEmpty; field++)
            {
                var space = rest.IndexOf((byte)' ');
                var value = space < 0 ? rest : rest[..space];
                if (field == 1 && !System.Buffers.Text.Utf8Parser.TryParse(value, out parent, out _))
                {
                    return null;
                }

                if (field == 2 && !System.Buffers.Text.Utf8Parser.TryParse(value, out group, out _))
                {
                    return null;
                }

                if (field == 19 && !System.Buffers.Text.Utf8Parser.TryParse(value, out start, out _))
                {
                    return null;
                }

                rest = space < 0 ? [] : rest[(space + 1)..];
            }

            return parent < 0 || group < 0 || start < 0 ? null : new Stat(pid, state != (byte)'Z' && state != (byte)'X', (int)parent, (int)group, start);
        }
    }

    public void Dispose() => Process.Dispose();
}
