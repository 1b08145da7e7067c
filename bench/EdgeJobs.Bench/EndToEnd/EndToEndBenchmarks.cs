using BenchmarkDotNet.Attributes;

namespace EdgeJobs.Bench.EndToEnd;

/// <summary>
/// No-op jobs end to end: REST submit → push grant over the link → accept → run → finish, with
/// durable commits. Two in-process agents with 16 slots each; 32 submits in flight.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class EndToEndBenchmarks
{
    public const int Jobs = 2000;

    private BenchCluster _cluster = null!;

    [GlobalSetup]
    public void Setup() => _cluster = BenchCluster.StartAsync(agents: 2, slots: 16).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Jobs)]
    public async Task NoOpJobs()
    {
        var next = 0;
        var submitters = Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= Jobs)
            {
                await _cluster.SubmitAsync(0);
            }
        }));
        await Task.WhenAll(submitters);
        await _cluster.WaitIdleAsync();
    }
}
