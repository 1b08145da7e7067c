using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Testing;

/// <summary>A real ledger file in a temp dir, with helpers that walk a job into any state through the ledger's own operations.</summary>
public sealed class LedgerFixture : IAsyncDisposable
{
    public const long Node = 1;
    public const long OtherNode = 2;

    private readonly TempDir _dir = new();

    public LedgerFixture(LedgerOptions? options = null)
    {
        Ledger = JobLedger.Open(_dir.File("ledger.db"), options ?? new LedgerOptions { Durable = false }, Clock);
    }

    public ManualClock Clock { get; } = new();

    public JobLedger Ledger { get; }

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

    /// <summary>Submits a job and walks it into <paramref name="state"/>.</summary>
    public async Task<JobRow> InStateAsync(JobState state, string owner = "alice") =>
        await JobWalker.IntoStateAsync(Ledger, (await SubmitAsync(owner)).Id, state);

    public Task<JobRow> RunningAsync(long jobId, long node = Node) => JobWalker.RunAsync(Ledger, jobId, node);

    public async ValueTask DisposeAsync()
    {
        await Ledger.DisposeAsync();
        _dir.Dispose();
    }
}
