using BenchmarkDotNet.Running;

// scripts/bench runs every suite and the latency probe; pass BenchmarkDotNet arguments
// (e.g. --filter '*Ledger*') to narrow it, `latency` for the latency percentiles, or `throughput` for
// the end-to-end rate with and without durable commits, or `tool ID DATA_ROOT PARAMS_JSON [RUNS]` to time one
// raster tool outside the job system.
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

if (args is ["tool", var tool, var dataRoot, var paramsJson, ..])
{
    await EdgeJobs.Bench.RasterToolProbe.RunAsync(tool, dataRoot, paramsJson, args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(EdgeJobs.Bench.LedgerBenchmarks).Assembly).Run(args);
