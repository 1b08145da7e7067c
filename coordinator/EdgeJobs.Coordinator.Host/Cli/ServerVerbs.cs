using EdgeJobs.Agent;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Hosting.Logging;
using EdgeJobs.Hosting.Net;
using EdgeJobs.Hosting.Systemd;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary><c>edgejobs coordinator</c> and <c>edgejobs up</c>: run the coordinator in the foreground until SIGTERM / Ctrl+C.</summary>
internal static class ServerVerbs
{
    public static async Task<int> RunAsync(CliArgs args, bool up)
    {
        EdgeJobs.Hosting.MallocThresholds.Raise();
        var dataDir = args.Get("data-dir") ?? (up ? "edgejobs-data" : throw new UsageException("--data-dir is required (or EDGEJOBS_DATA_DIR)"));
        var defaults = new QuotaOptions();
        var options = new CoordinatorOptions
        {
            DataDir = dataDir,
            Http = CheckEndpoint(args, "http", "127.0.0.1:8080"),
            Link = CheckEndpoint(args, "link", "127.0.0.1:8081"),
            LinkTlsCertificate = ExistingFile(args, "link-tls-cert"),
            LinkTlsKey = ExistingFile(args, "link-tls-key"),
            LocalAgentSlots = args.GetInt("local-agent-slots", up ? Environment.ProcessorCount : 0, 0, 1024),
            DataRoot = args.Get("data-root") ?? Path.Combine(dataDir, "data"),
            JsonLogs = (args.Get("log-format") ?? "text") switch
            {
                "text" => false,
                "json" => true,
                var other => throw new UsageException($"--log-format must be text or json, not '{other}'"),
            },
            LogLevel = HostLogging.ParseLevel(args.Get("log-level") ?? "information"),
            Catalog = ToolCatalog.BuiltIn,
            Quotas = new QuotaOptions
            {
                MaxActiveJobs = args.GetLong("max-active-jobs", defaults.MaxActiveJobs),
                MaxActivePerOwner = args.GetLong("max-active-per-owner", defaults.MaxActivePerOwner),
                MaxActivePerTool = args.GetLong("max-active-per-tool", defaults.MaxActivePerTool),
                MaxOutputBytesPerJob = args.GetLong("max-output-bytes", defaults.MaxOutputBytesPerJob),
            },
            Ledger = new LedgerOptions
            {
                LeaseTtl = args.Get("lease-ttl") is { } leaseTtl ? Positive(Durations.Parse(leaseTtl), "lease-ttl") : TimeSpan.FromSeconds(30),
            },
            HeartbeatInterval = args.Get("heartbeat-interval") is { } hb ? Positive(Durations.Parse(hb), "heartbeat-interval") : TimeSpan.FromSeconds(5),
            DedupLookback = args.Get("dedup-lookback") is { } lookback ? Durations.Parse(lookback) : TimeSpan.FromHours(24),
            ArtifactTtl = args.Get("artifact-ttl") is { } artifactTtl ? Positive(Durations.Parse(artifactTtl), "artifact-ttl") : TimeSpan.FromHours(24),
            IdempotencyKeyLifetime = args.Get("idempotency-ttl") is { } ttl ? Durations.Parse(ttl) : TimeSpan.FromHours(24),
        };
        var raster = (Threads: args.GetInt("raster-threads", Environment.ProcessorCount, 1, 1024),
            CacheMb: args.Get("gdal-cache-mb") is not null ? args.GetInt("gdal-cache-mb", AgentOptions.DefaultGdalCacheMegabytes, 16, 1 << 20) : (int?)null);
        args.RejectUnknown();

        // The embedded agent hands its artifacts over by renaming them; they are on the same disk.
        options = options with { ColocatedAgentWorkDir = options.LocalAgentSlots > 0 ? LocalAgentWorkDir(options) : null };
        if (options.HeartbeatInterval * 2 > options.Ledger.LeaseTtl)
        {
            throw new UsageException($"--lease-ttl ({options.Ledger.LeaseTtl.TotalSeconds} s) must be at least twice --heartbeat-interval ({options.HeartbeatInterval.TotalSeconds} s), or leases expire between heartbeats");
        }

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
        catch (ArgumentException e)
        {
            throw new CliException(e.Message);
        }

        await using (server.ConfigureAwait(false))
        {
            using var systemd = new SystemdNotifier();
            using var agentStop = new CancellationTokenSource();
            var agent = StartLocalAgent(server, raster, agentStop.Token);
            if (up)
            {
                PrintWelcome(server);
            }

            systemd.Ready($"serving on {server.HttpAddress.Authority}, agent link on {server.LinkAddress}");
            var watchdog = systemd.RunWatchdogAsync(() => server.Ledger.IsReadyAsync(), agentStop.Token);
            await server.WaitForShutdownAsync().ConfigureAwait(false);
            systemd.Stopping("draining the embedded agent and stopping");

            // Drain the embedded agent while the link is still up, so its results reach the ledger.
            await agentStop.CancelAsync().ConfigureAwait(false);
            await agent.ConfigureAwait(false);
            await watchdog.ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>The agent embedded in this process (one machine, one binary), when --local-agent-slots is above 0.</summary>
    private static Task StartLocalAgent(CoordinatorServer server, (int Threads, int? CacheMb) raster, CancellationToken stop)
    {
        var options = server.Options;
        if (options.LocalAgentSlots == 0)
        {
            return Task.CompletedTask;
        }

        var token = File.Exists(options.AgentTokenPath) ? File.ReadAllText(options.AgentTokenPath).Trim() : null;
        if (token is null)
        {
            Console.Error.WriteLine($"edgejobs: no embedded agent: {options.AgentTokenPath} is missing (mint one with `edgejobs token create --scopes agent`)");
            return Task.CompletedTask;
        }

        var agent = new AgentService(new AgentOptions
        {
            Coordinator = server.LinkAddress.ToString(),
            Token = token,
            Name = Environment.MachineName + " (local)",
            Slots = options.LocalAgentSlots,
            WorkDir = LocalAgentWorkDir(options),
            DataRoot = options.ResolvedDataRoot,
            DrainTimeout = TimeSpan.FromSeconds(10),
            Tls = options.LinkTlsCertificate is not null,
            TlsCaFile = options.LinkTlsCertificate,
            ColocationSecret = server.ColocationSecret,
            RasterThreads = raster.Threads,
            GdalCacheMegabytes = raster.CacheMb,
        }, server.LoggerFactory);
        return agent.RunAsync(stop);
    }

    private static string LocalAgentWorkDir(CoordinatorOptions options) => Path.GetFullPath(Path.Combine(options.DataDir, "agent"));

    private static string? ExistingFile(CliArgs args, string flag) =>
        args.Get(flag) is { } path ? (File.Exists(path) ? path : throw new UsageException($"--{flag} {path} does not exist")) : null;

    private static TimeSpan Positive(TimeSpan value, string flag) =>
        value > TimeSpan.Zero ? value : throw new UsageException($"--{flag} must be above zero");

    private static string CheckEndpoint(CliArgs args, string flag, string fallback)
    {
        var value = args.Get(flag) ?? fallback;
        return HostPort.TryParseListener(value, out _) ? value : throw new UsageException($"--{flag} '{value}' is not host:port (e.g. {fallback})");
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
