using System.Text.Json;
using BenchmarkDotNet.Attributes;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Bench;

/// <summary>
/// What each submission guarantee costs: batched submits (512 in flight, group commit, durable) plain,
/// with a dedup lookup, with the quota checks, with an Idempotency-Key stored with its answer, and
/// with all three, as the REST submit does.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 8)]
public class SubmitGuaranteeBenchmarks
{
    public const int Batch = 512;

    private static readonly SubmitPolicy s_dedupOnly = new();
    private static readonly SubmitPolicy s_quotasOnly = new() { Force = true, Quotas = new QuotaOptions { MaxActiveJobs = long.MaxValue, MaxActivePerOwner = long.MaxValue, MaxActivePerTool = long.MaxValue } };
    private static readonly SubmitPolicy s_all = s_quotasOnly with { Force = false };

    private string _dir = "";
    private JobLedger _ledger = null!;
    private long _sequence;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "edgejobs-bench", Guid.NewGuid().ToString("N"));
        _ledger = JobLedger.Open(Path.Combine(_dir, "ledger.db"));
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _ledger.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public Task Plain() => Many(_ => _ledger.SubmitAsync(Job(withKey: false)));

    [Benchmark(OperationsPerInvoke = Batch)]
    public Task Dedup() => Many(_ => _ledger.SubmitAsync(Job(withKey: true), s_dedupOnly));

    [Benchmark(OperationsPerInvoke = Batch)]
    public Task Quotas() => Many(_ => _ledger.SubmitAsync(Job(withKey: false), s_quotasOnly));

    [Benchmark(OperationsPerInvoke = Batch)]
    public Task Idempotency() => Many(i => Idempotent(Job(withKey: false), SubmitPolicy.None));

    [Benchmark(OperationsPerInvoke = Batch)]
    public Task AllThree() => Many(i => Idempotent(Job(withKey: true), s_all));

    private Task Idempotent(NewJob job, SubmitPolicy policy)
    {
        var key = new IdempotencyRequest("bench", Guid.NewGuid().ToString("N"), "fingerprint", TimeSpan.FromHours(24));
        return _ledger.SubmitAsync(job, policy, key, outcome =>
            new StoredAnswer(202, $"/v1/jobs/{outcome.Job!.Id}", JsonSerializer.Serialize(JobMapper.ToDto(outcome.Job), RestJson.Wire.JobDto)));
    }

    private static Task Many(Func<int, Task> submit)
    {
        var writes = new Task[Batch];
        for (var i = 0; i < Batch; i++)
        {
            writes[i] = submit(i);
        }

        return Task.WhenAll(writes);
    }

    private NewJob Job(bool withKey)
    {
        var n = Interlocked.Increment(ref _sequence);
        return new NewJob
        {
            Tool = "sleep",
            ToolVersion = "1",
            Params = """{"seconds":0,"fail":false,"fatal":false}""",
            Owner = "bench",
            DedupKey = withKey ? n.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) : null,
        };
    }
}
