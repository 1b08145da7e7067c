using BenchmarkDotNet.Running;

// scripts/bench runs every suite and the latency probe; pass BenchmarkDotNet arguments
// (e.g. --filter '*Ledger*') to narrow it, `latency` for the latency percentiles, or `throughput` for
// the end-to-end rate with and without durable commits.
if (args is ["latency", ..])
{
    await EdgeJobs.Bench.EndToEnd.LatencyProbe.RunAsync();
    return;
}

if (args is ["throughput", ..])
{
    await EdgeJobs.Bench.EndToEnd.ThroughputProbe.RunAsync();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(EdgeJobs.Bench.LedgerBenchmarks).Assembly).Run(args);
