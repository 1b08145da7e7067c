using EdgeJobs.Agent.Tools;
using EdgeJobs.Protocol.Link;

namespace EdgeJobs.Agent.Runner;

/// <summary>
/// One lease the agent holds: the tool's cancellation, its latest progress, log lines not yet
/// acknowledged by the coordinator (bounded), and, once the tool ended, the result until acknowledged.
/// </summary>
internal sealed class RunningJob(Grant grant, int maxBufferedLines)
{
    private readonly object _gate = new();
    private readonly List<string> _lines = [];
    private int _inFlight;

    // The number of _lines[0] among this attempt's lines (1-based). A line keeps its number once sent, so
    // a resend after a lost acknowledgement lets the coordinator skip what it stored already.
    private long _firstSeq = 1;
    private long _dropped;
    private double _percent;
    private string? _phase;

    public long JobId { get; } = grant.JobId;

    public long Fence { get; } = grant.Fence;

    public Grant Grant { get; } = grant;

    /// <summary>For a job on a dataset, where its inputs are read.</summary>
    public DatasetInputs? Dataset { get; init; }

    /// <summary>A recipe's step job: the earlier steps' artifacts it may read.</summary>
    public StepInputs? StepInputs { get; init; }

    /// <summary>Its part of the agent's CPU time, taken when it finishes.</summary>
    public CpuMeter.Share? Cpu { get; init; }

    /// <summary>The outputs the tool declared, measured for each report.</summary>
    public ToolOutputs Outputs { get; } = new();

    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>The coordinator asked for a stop (or the agent is draining): report it acknowledged until the end.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>The lease is gone: the result will be discarded.</summary>
    public bool Lost { get; private set; }

    /// <summary>Set when the tool ended; kept until the coordinator acknowledges it.</summary>
    public Finished? Result { get; private set; }

    public bool IsRunning => Result is null;

    /// <summary>Records progress; true when the phase changed (worth an early heartbeat).</summary>
    public bool SetProgress(double percent, string? phase)
    {
        lock (_gate)
        {
            var changed = !string.Equals(phase, _phase, StringComparison.Ordinal);
            _percent = Math.Clamp(percent, 0, 100);
            _phase = phase;
            return changed;
        }
    }

    public void AddLine(string line)
    {
        lock (_gate)
        {
            if (_lines.Count >= maxBufferedLines)
            {
                // Drop the oldest line not already sent; keep the newest, which say how it ends.
                if (_inFlight < _lines.Count)
                {
                    _lines.RemoveAt(_inFlight);
                    _dropped++;
                }
                else
                {
                    _dropped++;
                    return;
                }
            }

            _lines.Add(line);
        }
    }

    /// <summary>The report for the next heartbeat: everything unacknowledged is (re)sent.</summary>
    public LeaseReport TakeReport()
    {
        // Measured outside the lock: a tool logging a line need not wait for a stat of its output.
        var outputs = Outputs.Reports();
        lock (_gate)
        {
            if (_dropped > 0)
            {
                _lines.Insert(_inFlight, $"[edgejobs-agent] {_dropped} log lines dropped while the coordinator was unreachable");
                _dropped = 0;
            }

            _inFlight = _lines.Count;
            return new LeaseReport(JobId, Fence, _percent, _phase, [.. _lines], StopRequested, _firstSeq, outputs);
        }
    }

    /// <summary>The coordinator answered the heartbeat that carried the in-flight lines: forget them.</summary>
    public void AcknowledgeLines()
    {
        lock (_gate)
        {
            _lines.RemoveRange(0, _inFlight);
            _firstSeq += _inFlight;
            _inFlight = 0;
        }
    }

    /// <summary>Marks the stop seen; the caller sends the acknowledgement, then cancels (so "stopping" is recorded before "stopped").</summary>
    public void MarkStopRequested() => StopRequested = true;

    public void RequestStop()
    {
        StopRequested = true;
        Cancellation.Cancel();
    }

    public void MarkLost()
    {
        Lost = true;
        Cancellation.Cancel();
    }

    /// <summary>The artifact file waiting in the outbox until the coordinator acknowledges the result.</summary>
    public string? ArtifactPath { get; private set; }

    /// <summary>Seals the result, with every line not yet acknowledged as its final lines and the outputs' final sizes.</summary>
    public Finished Finish(AttemptOutcome outcome, string? code, string? message, ArtifactInfo? artifact = null, string? artifactPath = null)
    {
        Outputs.Seal();
        var outputs = Outputs.Reports();
        var cpuSeconds = Cpu?.Take();
        lock (_gate)
        {
            ArtifactPath = artifactPath;
            var result = new Finished(JobId, Fence, outcome, code, message, [.. _lines], artifact, _firstSeq, outputs, cpuSeconds);
            _lines.Clear();
            _inFlight = 0;
            Result = result;
            return result;
        }
    }
}
