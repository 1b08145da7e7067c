using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Tests.Support;

/// <summary>A real ledger file in a temp dir, with helpers that walk a job into any state through the ledger's own operations.</summary>
internal sealed class LedgerFixture : IAsyncDisposable
{
    public const long Node = 1;
    public const long OtherNode = 2;

    private readonly TempDir _dir = new();

    public LedgerFixture(LedgerOptions? options = null)
    {
        Ledger = EdgeJobs.Coordinator.Ledger.Ledger.Open(_dir.File("ledger.db"), options ?? new LedgerOptions { Durable = false }, Clock);
    }

    public ManualClock Clock { get; } = new();

    public EdgeJobs.Coordinator.Ledger.Ledger Ledger { get; }

    public string Directory => _dir.Path;

    public static NewJob Job(string owner = "alice", string tool = "sleep", int priority = 0, int? maxAttempts = null) => new()
    {
        Tool = tool,
        ToolVersion = "1",
        Params = """{"seconds":1,"fail":false,"fatal":false}""",
        Owner = owner,
        Priority = priority,
        MaxAttempts = maxAttempts,
    };

    public async Task<JobRow> SubmitAsync(string owner = "alice", int? maxAttempts = null) =>
        await Ledger.SubmitAsync(Job(owner, maxAttempts: maxAttempts));

    /// <summary>Submits a job and walks it into <paramref name="state"/>; returns the row and its current fence.</summary>
    public async Task<JobRow> InStateAsync(JobState state, string owner = "alice")
    {
        var job = await SubmitAsync(owner);
        if (state == JobState.Scheduled)
        {
            return job;
        }

        if (state == JobState.Stopped)
        {
            return Expect(await Ledger.StopAsync(job.Id));
        }

        var running = await RunningAsync(job.Id);
        return state switch
        {
            JobState.Running => running,
            JobState.StopRequested => Expect(await Ledger.StopAsync(job.Id)),
            JobState.Stopping => await StoppingAsync(job.Id, running.Fence),
            JobState.Completed => Expect(await Ledger.FinishAsync(job.Id, running.Fence, new FinishReport(FinishOutcome.Succeeded))),
            JobState.Failed => Expect(await Ledger.FinishAsync(job.Id, running.Fence, new FinishReport(FinishOutcome.FatalFailure, "boom", "fatal"))),
            _ => throw new ArgumentOutOfRangeException(nameof(state)),
        };
    }

    public async Task<JobRow> RunningAsync(long jobId, long node = Node)
    {
        var (granted, lease) = await Ledger.GrantJobAsync(jobId, node);
        Expect(granted);
        return Expect(await Ledger.AcceptAsync(jobId, lease!.Fence, node));
    }

    private async Task<JobRow> StoppingAsync(long jobId, long fence)
    {
        Expect(await Ledger.StopAsync(jobId));
        return Expect(await Ledger.AcknowledgeStopAsync(jobId, fence));
    }

    private static JobRow Expect(Transition t) =>
        t.IsOk ? t.Job! : throw new InvalidOperationException($"setup transition failed: {t.Outcome} {t.State}");

    public async ValueTask DisposeAsync()
    {
        await Ledger.DisposeAsync();
        _dir.Dispose();
    }
}
