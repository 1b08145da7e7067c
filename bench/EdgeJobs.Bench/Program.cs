using BenchmarkDotNet.Running;

// scripts/bench runs every suite; pass BenchmarkDotNet arguments (e.g. --filter '*Ledger*') to narrow it.
BenchmarkSwitcher.FromAssembly(typeof(EdgeJobs.Bench.LedgerBenchmarks).Assembly).Run(args);
