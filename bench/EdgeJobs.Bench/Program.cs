using BenchmarkDotNet.Running;

// scripts/bench runs every suite and the latency probe; pass BenchmarkDotNet arguments
// (e.g. --filter '*Ledger*') to narrow it, `latency` for the latency percentiles, or `throughput` for
// the end-to-end rate with and without durable commits (`throughput [JOBS]`, 3000 by default), or
// `throughput-binary [JOBS] [SLOTS] [CLIENTS]` for the same through the published dist/edgejobs up, `recipes [CHAINS]` for step-to-step
// latency and a 1,000-step fan-out against plain jobs, `campaigns` for spawning 10,000 children, their cascade stop and the aggregate at 100,000, `exec-overhead [JOBS]` for `true` as an exec tool against the built-in
// sleep 0, `tiles COG [N]` for web-map tiles per zoom level (scripts/bench-tiles), or `tool ID DATA_ROOT PARAMS_JSON [RUNS]` to time one
// raster tool outside the job system.
if (args is ["latency", ..])
{
    await EdgeJobs.Bench.EndToEnd.LatencyProbe.RunAsync();
    return;
}

if (args is ["recipes", ..])
{
    await EdgeJobs.Bench.EndToEnd.RecipeProbe.RunAsync(chains: args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 300);
    return;
}

if (args is ["campaigns", ..])
{
    await EdgeJobs.Bench.EndToEnd.CampaignProbe.RunAsync();
    return;
}

if (args is ["throughput", ..])
{
    await EdgeJobs.Bench.EndToEnd.ThroughputProbe.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3000);
    return;
}

if (args is ["exec-overhead", ..])
{
    await EdgeJobs.Bench.EndToEnd.ExecOverheadProbe.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000);
    return;
}

if (args is ["throughput-binary", ..])
{
    await EdgeJobs.Bench.EndToEnd.BinaryThroughputProbe.RunAsync(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 40000,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 32,
        args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 32);
    return;
}

if (args is ["tiles", var cog, ..])
{
    EdgeJobs.Bench.TileProbe.Run(cog, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 200);
    return;
}

if (args is ["tool", var tool, var dataRoot, var paramsJson, ..])
{
    await EdgeJobs.Bench.RasterToolProbe.RunAsync(tool, dataRoot, paramsJson, args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(EdgeJobs.Bench.LedgerBenchmarks).Assembly).Run(args);
