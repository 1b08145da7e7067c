using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeJobs.Agent.Runner;

/// <summary>
/// The agent's CPU time (user + system, its own threads and its reaped child processes: an exec tool's program and
/// what it waited for) shared out among the jobs running while it was spent, in equal parts — the "agent CPU
/// seconds" a job's credits settle from (design §8.5). A job running alone gets all of it; two running together
/// each get half of what both spent, because a thread pool's threads cannot be told apart by job. Read from
/// <c>getrusage(2)</c> at every start and end of a job, which is exactly as fine as sampling in between would be:
/// between two such moments the set of running jobs does not change. In <c>edgejobs up</c> the coordinator shares
/// the process and its small share is counted too.
/// </summary>
internal sealed partial class CpuMeter
{
    private readonly object _gate = new();
    private readonly List<Share> _running = [];
    private long _lastMicros;
    private readonly bool _works;

    public CpuMeter()
    {
        _works = TryRead(out _lastMicros);
    }

    /// <summary>A job started: from now it gets its part of what is spent.</summary>
    public Share Enter()
    {
        lock (_gate)
        {
            Advance();
            var share = new Share(this);
            _running.Add(share);
            return share;
        }
    }

    /// <summary>The job ended: its CPU seconds, or null where the C library cannot say.</summary>
    private double? Leave(Share share)
    {
        lock (_gate)
        {
            Advance();
            _running.Remove(share);
            return _works ? share.Micros / 1e6 : null;
        }
    }

    private void Advance()
    {
        if (!_works || !TryRead(out var now))
        {
            return;
        }

        var spent = now - _lastMicros;
        _lastMicros = now;
        if (spent <= 0 || _running.Count == 0)
        {
            return;
        }

        var each = (double)spent / _running.Count;
        foreach (var share in _running)
        {
            share.Micros += each;
        }
    }

    private static bool TryRead(out long micros)
    {
        micros = 0;
        try
        {
            if (getrusage(RUSAGE_SELF, out var self) != 0 || getrusage(RUSAGE_CHILDREN, out var children) != 0)
            {
                return false;
            }

            micros = self.Micros + children.Micros;
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>One running job's part, taken once, when the job finishes (RunningJob.Finish).</summary>
    internal sealed class Share(CpuMeter meter)
    {
        internal double Micros { get; set; }

        public double? Take() => meter.Leave(this);
    }

    private const int RUSAGE_SELF = 0;
    private const int RUSAGE_CHILDREN = -1;

    /// <summary><c>struct rusage</c> on 64-bit Linux: two <c>timeval</c>s, then fourteen longs this does not read.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds;
        public long UserMicros;
        public long SystemSeconds;
        public long SystemMicros;
        public Rest Others;

        public readonly long Micros => ((UserSeconds + SystemSeconds) * 1_000_000) + UserMicros + SystemMicros;
    }

    [InlineArray(14)]
    private struct Rest
    {
        private long _first;
    }

    /// <summary>https://man7.org/linux/man-pages/man2/getrusage.2.html</summary>
    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int getrusage(int who, out RUsage usage);
}
