using System.Buffers.Text;

namespace EdgeJobs.Agent.Tools.Exec;

/// <summary>
/// How far the kernel has handed out pids: every fork and thread since boot (/proc/stat's <c>processes</c>), the tasks that
/// exist (/proc/loadavg's total) and the pid limit (/proc/sys/kernel/pid_max). Read when a program starts and again when
/// its run is searched, it tells whether pids may have wrapped in between (<see cref="LowestPidSince"/>).
/// </summary>
internal readonly record struct PidSpace(long Forks, long Tasks)
{
    private static readonly long PidMax = ReadPidMax();

    /// <summary>Now, or null where /proc does not say (then every process is looked at).</summary>
    public static PidSpace? Now()
    {
        try
        {
            var stat = File.ReadAllBytes("/proc/stat").AsSpan();
            var at = stat.IndexOf("\nprocesses "u8);
            Span<byte> loadavg = stackalloc byte[128];
            var length = ExecInterop.ReadSmallFile("/proc/loadavg", loadavg);
            // "0.52 0.58 0.59 2/107 10603": the fourth field is running/total tasks.
            var slash = length > 0 ? loadavg[..length].IndexOf((byte)'/') : -1;
            if (at < 0 || slash < 0
                || !Utf8Parser.TryParse(stat[(at + "\nprocesses ".Length)..], out long forks, out _)
                || !Utf8Parser.TryParse(loadavg[(slash + 1)..length], out long tasks, out _))
            {
                return null;
            }

            return new PidSpace(forks, tasks);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The lowest pid a process started since <c>this</c> (read just before <paramref name="leader"/> started) can have: the
    /// leader's own while pids cannot have wrapped, 0 (look at all) once they may have. Pids are handed out upwards from the
    /// last one and wrap at pid_max; each handed out since took one slot above the leader's, and at most every task that
    /// existed then was skipped there. While those two together are fewer than the slots above the leader's pid, no pid can
    /// have wrapped. Threads count in both, as they take pids too; in a container the counts are the host's, which only
    /// makes the answer 0 sooner.
    /// </summary>
    public int LowestPidSince(int leader)
    {
        if (PidMax <= 0 || Now() is not { } now)
        {
            return 0;
        }

        return now.Forks - Forks + Tasks < PidMax - 1 - leader ? leader : 0;
    }

    private static long ReadPidMax()
    {
        Span<byte> text = stackalloc byte[32];
        var length = ExecInterop.ReadSmallFile("/proc/sys/kernel/pid_max", text);
        return length > 0 && Utf8Parser.TryParse(text[..length], out long max, out _) ? max : 0;
    }
}
