using BenchmarkDotNet.Attributes;
using EdgeJobs.Coordinator.Ledger;

namespace EdgeJobs.Bench;

/// <summary>
/// The ledger on a real file with durable commits (each synced to disk before it is answered, the product default):
/// submit, and grant + accept + finish, one per transaction (each awaited before the next) versus
/// batched (many in flight, folded into group commits by the single writer).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 8)]
public class LedgerBenchmarks
{
    public const int Batch = 512;
    private static readonly string[] s_tools = ["sleep"];

    private string _dir = "";
    private JobLedger _ledger = null!;

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

    [IterationSetup(Targets = [nameof(GrantFinishOnePerTransaction), nameof(GrantFinishBatched)])]
    public void FillQueue() => _ledger.SubmitManyAsync([.. Enumerable.Range(0, Batch).Select(_ => Job())]).GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task SubmitOnePerTransaction()
    {
        for (var i = 0; i < Batch; i++)
        {
            await _ledger.SubmitAsync(Job());
        }
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task SubmitBatched()
    {
        var writes = new Task[Batch];
        for (var i = 0; i < Batch; i++)
        {
            writes[i] = _ledger.SubmitAsync(Job());
        }

        await Task.WhenAll(writes);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task GrantFinishOnePerTransaction()
    {
        for (var i = 0; i < Batch; i++)
        {
            await RunOneAsync(1);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task GrantFinishBatched()
    {
        // 32 agents' worth of concurrency, each granting, accepting and finishing its jobs.
        var workers = new Task[32];
        for (var w = 0; w < workers.Length; w++)
        {
            var node = w + 1;
            workers[w] = Task.Run(async () =>
            {
                for (var i = 0; i < Batch / workers.Length; i++)
                {
                    await RunOneAsync(node);
                }
            });
        }

        await Task.WhenAll(workers);
    }

    private async Task RunOneAsync(long node)
    {
        var lease = (await _ledger.GrantAsync(node, s_tools))[0];
        await _ledger.AcceptAsync(lease.JobId, lease.Fence, node);
        await _ledger.FinishAsync(lease.JobId, lease.Fence, new FinishReport(FinishOutcome.Succeeded));
    }

    private static NewJob Job() => new()
    {
        Tool = "sleep",
        ToolVersion = "1",
        Params = """{"seconds":0,"fail":false,"fatal":false}""",
        Owner = "bench",
    };
}
