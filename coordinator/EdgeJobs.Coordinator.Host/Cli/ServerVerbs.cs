using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Tools;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary><c>edgejobs coordinator</c> and <c>edgejobs up</c>: run the coordinator in the foreground until SIGTERM / Ctrl+C.</summary>
internal static class ServerVerbs
{
    public static async Task<int> RunAsync(CliArgs args, bool up)
    {
        var dataDir = args.Get("data-dir") ?? (up ? "edgejobs-data" : throw new UsageException("--data-dir is required (or EDGEJOBS_DATA_DIR)"));
        var defaults = new QuotaOptions();
        var options = new CoordinatorOptions
        {
            DataDir = dataDir,
            Http = CheckEndpoint(args, "http", "127.0.0.1:8080"),
            Link = CheckEndpoint(args, "link", "127.0.0.1:8081"),
            LocalAgentSlots = args.GetInt("local-agent-slots", up ? Environment.ProcessorCount : 0, 0, 1024),
            DataRoot = args.Get("data-root") ?? Path.Combine(dataDir, "data"),
            JsonLogs = (args.Get("log-format") ?? "text") switch
            {
                "text" => false,
                "json" => true,
                var other => throw new UsageException($"--log-format must be text or json, not '{other}'"),
            },
            LogLevel = (args.Get("log-level") ?? "information").ToLowerInvariant() switch
            {
                "trace" => LogLevel.Trace,
                "debug" => LogLevel.Debug,
                "information" or "info" => LogLevel.Information,
                "warning" or "warn" => LogLevel.Warning,
                "error" => LogLevel.Error,
                var other => throw new UsageException($"--log-level must be trace, debug, information, warning or error, not '{other}'"),
            },
            Catalog = ToolCatalog.BuiltIn,
            Quotas = new QuotaOptions
            {
                MaxActiveJobs = args.GetLong("max-active-jobs", defaults.MaxActiveJobs),
                MaxActivePerOwner = args.GetLong("max-active-per-owner", defaults.MaxActivePerOwner),
                MaxActivePerTool = args.GetLong("max-active-per-tool", defaults.MaxActivePerTool),
                MaxOutputBytesPerJob = args.GetLong("max-output-bytes", defaults.MaxOutputBytesPerJob),
            },
            DedupLookback = args.Get("dedup-lookback") is { } lookback ? Durations.Parse(lookback) : TimeSpan.FromHours(24),
            IdempotencyKeyLifetime = args.Get("idempotency-ttl") is { } ttl ? Durations.Parse(ttl) : TimeSpan.FromHours(24),
        };
        args.RejectUnknown();

        CoordinatorServer server;
        try
        {
            server = await CoordinatorServer.StartAsync(options).ConfigureAwait(false);
        }
        catch (Ledger.LedgerVersionException e)
        {
            throw new CliException(e.Message);
        }
        catch (IOException e)
        {
            throw new CliException($"cannot start: {e.Message}");
        }

        await using (server.ConfigureAwait(false))
        {
            if (up)
            {
                PrintWelcome(server);
            }

            await server.WaitForShutdownAsync().ConfigureAwait(false);
        }

        return 0;
    }

    private static string CheckEndpoint(CliArgs args, string flag, string fallback)
    {
        var value = args.Get(flag) ?? fallback;
        return Endpoints.TryParse(value, out _) ? value : throw new UsageException($"--{flag} '{value}' is not host:port (e.g. {fallback})");
    }

    private static void PrintWelcome(CoordinatorServer server)
    {
        var url = server.HttpAddress.ToString().TrimEnd('/');
        Console.Error.WriteLine($"""

            EdgeJobs is up at {url}  (Ctrl+C stops it)
              admin token: {Path.GetFullPath(server.Options.AdminTokenPath)}
              try:         edgejobs tools
                           edgejobs submit sleep --param seconds=3
                           edgejobs jobs ls --status all

            """);
    }
}
