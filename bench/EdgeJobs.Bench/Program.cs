using BenchmarkDotNet.Running;

// scripts/bench runs every suite and the latency probe; pass BenchmarkDotNet arguments
// (e.g. --filter '*Ledger*') to narrow it, or `latency` for the latency percentiles alone.
if (args is ["latency", ..])
{
    await EdgeJobs.Bench.EndToEnd.LatencyProbe.RunAsync();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(EdgeJobs.Bench.LedgerBenchmarks).Assembly).Run(args);
