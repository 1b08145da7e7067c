using System.Diagnostics;

namespace EdgeJobs.Agent.Tools.Exec;

/// <summary>
/// A program's stdout and stderr as job log lines, bounded: a token bucket (<see cref="LinesPerSecond"/>, bursts
/// of <see cref="Burst"/>) and a total (<see cref="MaxLines"/> lines, <see cref="MaxBytes"/> bytes) per attempt.
/// Lines over either are dropped — counted, the last <see cref="TailLines"/> stdout and <see cref="StderrTailLines"/>
/// stderr lines of them kept apart (the two streams are read at once: a program's last stderr line must not be pushed
/// out by stdout still being drained) and logged at the end —
/// never waited for: the pipes are always drained, so a program printing 1 GB neither fills the ledger nor stalls
/// on a full pipe. The last stderr lines are kept apart for the failure message, whatever was logged.
/// </summary>
internal sealed class OutputLog(Action<string> log, Func<TimeSpan>? clock = null)
{
    public const int LinesPerSecond = 100;
    public const int Burst = 1_000;
    public const int MaxLines = 5_000;
    public const long MaxBytes = 1L << 20;
    public const int TailLines = 50;
    public const int StderrTailLines = 10;

    private readonly Lock _lock = new();
    private readonly Func<TimeSpan> _clock = clock ?? Stopwatch.StartNew() switch { var watch => () => watch.Elapsed };
    private readonly Queue<string> _droppedTail = new();
    private readonly Queue<string> _droppedStderrTail = new();
    private readonly Queue<string> _stderrTail = new();
    private double _tokens = Burst;
    private TimeSpan _refilled;
    private long _sentLines;
    private long _sentBytes;
    private long _dropped;
    private long _droppedSinceNotice;
    private bool _noticed;

    public long Dropped
    {
        get
        {
            lock (_lock)
            {
                return _dropped;
            }
        }
    }

    public long Sent
    {
        get
        {
            lock (_lock)
            {
                return _sentLines;
            }
        }
    }

    public void Line(string line, bool stderr)
    {
        lock (_lock)
        {
            if (stderr)
            {
                _stderrTail.Enqueue(line.Length > 500 ? line[..500] : line);
                if (_stderrTail.Count > StderrTailLines)
                {
                    _stderrTail.Dequeue();
                }
            }

            var text = stderr ? "[stderr] " + line : line;
            var now = _clock();
            _tokens = Math.Min(Burst, _tokens + ((now - _refilled).TotalSeconds * LinesPerSecond));
            _refilled = now;
            if (_tokens >= 1 && _sentLines < MaxLines && _sentBytes + text.Length <= MaxBytes)
            {
                if (_droppedSinceNotice > 0)
                {
                    Send($"[edgejobs-agent] {_droppedSinceNotice} lines of output dropped (over {LinesPerSecond} lines/s)");
                    _droppedSinceNotice = 0;
                }

                _tokens -= 1;
                Send(text);
                return;
            }

            _dropped++;
            _droppedSinceNotice++;
            var tail = stderr ? _droppedStderrTail : _droppedTail;
            tail.Enqueue(text);
            if (tail.Count > (stderr ? StderrTailLines : TailLines))
            {
                tail.Dequeue();
            }

            if (!_noticed && (_sentLines >= MaxLines || _sentBytes + text.Length > MaxBytes))
            {
                _noticed = true;
                log($"[edgejobs-agent] output over {MaxLines} lines or {MaxBytes >> 20} MiB: further lines are counted, and the last {TailLines} logged when the program ends");
            }
        }
    }

    private void Send(string text)
    {
        _sentLines++;
        _sentBytes += text.Length;
        log(text);
    }

    /// <summary>Logs how many lines were dropped and the last of them (once, when the program ended).</summary>
    public void Finish()
    {
        lock (_lock)
        {
            if (_dropped == 0)
            {
                return;
            }

            log($"[edgejobs-agent] {_dropped} lines of output dropped in all (limits: {LinesPerSecond} lines/s, {MaxLines} lines, {MaxBytes >> 20} MiB); the last {_droppedTail.Count} on stdout and {_droppedStderrTail.Count} on stderr:");
            foreach (var tail in new[] { _droppedTail, _droppedStderrTail })
            {
                while (tail.TryDequeue(out var line))
                {
                    log(line);
                }
            }

            _droppedSinceNotice = 0;
        }
    }

    /// <summary>The last stderr lines, for a failure's message.</summary>
    public string StderrTail()
    {
        lock (_lock)
        {
            return string.Join(" | ", _stderrTail);
        }
    }
}
