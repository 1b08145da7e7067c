using BenchmarkDotNet.Attributes;
using Hangfire;
using Hangfire.InMemory;

namespace EdgeJobs.Bench.EndToEnd;

/// <summary>
/// The same no-op workload on Hangfire (in-memory storage, default worker count): enqueue, run,
/// wait until every job has run. No durability at all, so it is an upper bound for Hangfire.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class HangfireBenchmarks
{
    public const int Jobs = EndToEndBenchmarks.Jobs;

    private static int s_done;
    private BackgroundJobServer _server = null!;
    private BackgroundJobClient _client = null!;

    [GlobalSetup]
    public void Setup()
    {
        var storage = new InMemoryStorage();
        JobStorage.Current = storage;
        _server = new BackgroundJobServer(new BackgroundJobServerOptions(), storage);
        _client = new BackgroundJobClient(storage);
    }

    [GlobalCleanup]
    public void Cleanup() => _server.Dispose();

    [Benchmark(OperationsPerInvoke = Jobs)]
    public async Task NoOpJobs()
    {
        Volatile.Write(ref s_done, 0);
        for (var i = 0; i < Jobs; i++)
        {
            _client.Enqueue(() => NoOp());
        }

        while (Volatile.Read(ref s_done) < Jobs)
        {
            await Task.Delay(1);
        }
    }

    public static void NoOp() => Interlocked.Increment(ref s_done);
}
