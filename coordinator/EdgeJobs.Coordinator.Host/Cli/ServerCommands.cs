using System.CommandLine;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Hosting.Logging;
using EdgeJobs.Hosting.Net;
using EdgeJobs.Hosting.Systemd;
using EdgeJobs.Server;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary><c>edgejobs coordinator</c> and <c>edgejobs up</c>: run <see cref="EdgeJobsServer"/> in the foreground until SIGTERM / Ctrl+C.</summary>
internal sealed class ServerCommands
{
    private readonly bool _up;
    private readonly Option<string> _dataDir;
    private readonly Option<string?> _http = Listener("--http", "the REST listener", "127.0.0.1:8080");
    private readonly Option<string?> _link = Listener("--link", "the agent link listener", "127.0.0.1:8081");
    private readonly Option<string?> _tlsCert = ExistingFile("--link-tls-cert", "PEM certificate (chain) for TLS on the agent link, with --link-tls-key; agents then need --tls");
    private readonly Option<string?> _tlsKey = ExistingFile("--link-tls-key", "the PEM private key of --link-tls-cert");
    private readonly Option<int> _localSlots;
    private readonly Option<int> _datasetSlots = Flags.Int("--dataset-tool-slots", "N",
        "dataset tools at once (rescan-index, archive-extract, bulk-download), run in this process where the datasets are (0: none)", 1, 0, 64);
    private readonly Option<string?> _dataRoot = Flags.Text("--data-root", "DIR", "where tool input paths resolve (default DATA_DIR/data)");
    private readonly Option<string?> _advertiseHttp = Flags.Create<string?>("--advertise-http", "URL",
        "the REST URL agents read dataset inputs from (default: the address each agent reached --link on, with the --http port)", raw =>
            Uri.TryCreate(raw, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Query.Length == 0
                ? raw
                : throw new UsageException($"--advertise-http '{raw}' must be an http:// or https:// URL without a query"), null);
    private readonly Option<string?> _toolsDir;
    private readonly Option<string[]> _webhookAllow = Hosts("--webhook-allow",
        "hosts a recipe job's on_exit webhook may call (default: none; the coordinator calls no host a job names otherwise)", "hooks.example.org,10.0.0.5");
    private readonly Option<string[]> _catalogAllow = Hosts("--catalog-allow",
        "hosts a campaign's STAC or CSW catalog may be read from over HTTP (default: none; catalogs in the data root and datasets only)", "csw.example.org,10.0.0.5");
    private readonly Option<string[]> _inputUrlAllow = Hosts("--input-url-allow",
        "hosts a job may name as an input URL for its agent to read (nc-to-geotiff's url; default: none)", "thredds.example.org,10.0.0.5");
    private readonly Option<string?> _prices = ExistingFile("--prices",
        "credits per second and per output GB, per tool, as JSON (README \"Credits\"; default: 0.1 per second and 10 per GB for every tool)");
    private readonly Option<TimeSpan> _leaseTtl = Flags.Duration("--lease-ttl", "a lease not renewed for this long expires and its job is retried", TimeSpan.FromSeconds(30), positive: true);
    private readonly Option<TimeSpan> _heartbeat = Flags.Duration("--heartbeat-interval", "how often agents report; a node is down after 3 missed", TimeSpan.FromSeconds(5), positive: true);
    private readonly Option<long> _maxActive;
    private readonly Option<long> _maxPerOwner;
    private readonly Option<long> _maxPerTool;
    private readonly Option<long> _maxOutput;
    private readonly Option<TimeSpan> _dedup = Flags.Duration("--dedup-lookback", "an identical submit returns a job completed within this", TimeSpan.FromHours(24));
    private readonly Option<TimeSpan> _idempotency = Flags.Duration("--idempotency-ttl", "how long Idempotency-Key answers are kept", TimeSpan.FromHours(24));
    private readonly Option<TimeSpan> _artifactTtl = Flags.Duration("--artifact-ttl", "how long job artifacts can be downloaded (then 410)", TimeSpan.FromHours(24), positive: true);
    private readonly LogFlags _log;
    private readonly RasterFlags _raster;
    private readonly SlurmFlags _slurm;

    private ServerCommands(Command command, bool up)
    {
        _up = up;
        _dataDir = up
            ? Flags.Create("--data-dir", "DIR", "ledger, tokens and artifacts (created 0700)", raw => raw, "edgejobs-data")
            : Flags.RequiredText("--data-dir", "DIR", "ledger, tokens and artifacts (created 0700)");
        _localSlots = Flags.Int("--local-agent-slots", "N", "run an agent in this process with N slots (0: none, wait for remote agents)",
            up ? Environment.ProcessorCount : 0, 0, 1024, up ? "one per core" : null);
        _toolsDir = Flags.Text("--tools-dir", "DIR",
            "exec tools of the embedded agent: one JSON manifest per external program (*.json); a manifest with an error stops the start, naming its file and line"
            + (up ? " (default: tools.d next to the binary, when it exists)" : ""));
        var quotas = new QuotaOptions();
        _maxActive = Flags.PositiveLong("--max-active-jobs", "N", "active jobs in all before submits get 429", quotas.MaxActiveJobs);
        _maxPerOwner = Flags.PositiveLong("--max-active-per-owner", "N", "active jobs per owner before its submits get 429", quotas.MaxActivePerOwner);
        _maxPerTool = Flags.PositiveLong("--max-active-per-tool", "N", "active jobs per tool before its submits get 429", quotas.MaxActivePerTool);
        _maxOutput = Flags.PositiveLong("--max-output-bytes", "N", "a job whose estimated output is larger is refused with 413", quotas.MaxOutputBytesPerJob,
            quotas.MaxOutputBytesPerJob % (1L << 30) == 0 ? $"{quotas.MaxOutputBytesPerJob >> 30} GiB" : null);
        foreach (var option in new Option[] { _dataDir, _http, _link, _tlsCert, _tlsKey, _localSlots, _datasetSlots, _dataRoot, _advertiseHttp, _toolsDir })
        {
            command.Options.Add(option);
        }

        _raster = RasterFlags.AddTo(command);
        _log = LogFlags.AddTo(command);
        foreach (var option in new Option[] { _leaseTtl, _heartbeat, _maxActive, _maxPerOwner, _maxPerTool, _maxOutput, _dedup, _idempotency, _artifactTtl, _webhookAllow, _catalogAllow, _inputUrlAllow, _prices })
        {
            command.Options.Add(option);
        }

        _slurm = SlurmFlags.AddTo(command);
        command.SetAction((parsed, _) => RunAsync(parsed));
    }

    /// <summary>A comma-separated list of host names or addresses the coordinator may make requests to; empty by default.</summary>
    private static Option<string[]> Hosts(string name, string help, string example) => Flags.Create<string[]>(name, "HOST[,HOST...]", help, raw =>
    {
        var hosts = raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return hosts.Length > 0 && hosts.All(h => Uri.CheckHostName(h) != UriHostNameType.Unknown)
            ? hosts
            : throw new UsageException($"{name} '{raw}' must be host names or addresses separated by commas, e.g. {example}");
    }, []);

    private static Credits.PriceTable LoadPrices(string? path)
    {
        try
        {
            return path is null ? Credits.PriceTable.Default : Credits.PriceFile.Load(path);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--prices: {e.Message}");
        }
    }

    public static Command Coordinator()
    {
        var command = new Command("coordinator", "the coordinator: ledger, REST API, agent link (and an agent in the same process with --local-agent-slots)");
        command.WithNotes("""
            On first start it writes DATA_DIR/admin.token (jobs:read,jobs:write,jobs:admin) and
            DATA_DIR/agent.token (agent), mode 0600. SIGTERM or Ctrl+C stops it cleanly.
            Exit codes: 0 stopped cleanly, 1 could not start, 2 bad usage.
            """);
        _ = new ServerCommands(command, up: false);
        return command;
    }

    public static Command Up()
    {
        var command = new Command("up", "the coordinator for one machine with first-run defaults: ./edgejobs-data, REST on 127.0.0.1:8080, an agent with one slot per core");
        command.WithNotes("Runs in the foreground; Ctrl+C stops it (running jobs get 10 s to finish, then are handed back).");
        _ = new ServerCommands(command, up: true);
        return command;
    }

    private async Task<int> RunAsync(ParseResult parsed)
    {
        EdgeJobs.Hosting.MallocThresholds.Raise();
        var dataDir = parsed.GetValue(_dataDir)!;
        var options = new CoordinatorOptions
        {
            DataDir = dataDir,
            Http = parsed.GetValue(_http)!,
            Link = parsed.GetValue(_link)!,
            LinkTlsCertificate = parsed.GetValue(_tlsCert),
            LinkTlsKey = parsed.GetValue(_tlsKey),
            DataRoot = parsed.GetValue(_dataRoot) ?? Path.Combine(dataDir, "data"),
            AdvertiseHttp = parsed.GetValue(_advertiseHttp),
            WebhookAllow = parsed.GetValue(_webhookAllow) ?? [],
            CatalogAllow = parsed.GetValue(_catalogAllow) ?? [],
            InputUrlAllow = parsed.GetValue(_inputUrlAllow) ?? [],
            JsonLogs = _log.Json(parsed),
            LogLevel = parsed.GetValue(_log.Level),
            Quotas = new QuotaOptions
            {
                MaxActiveJobs = parsed.GetValue(_maxActive),
                MaxActivePerOwner = parsed.GetValue(_maxPerOwner),
                MaxActivePerTool = parsed.GetValue(_maxPerTool),
                MaxOutputBytesPerJob = parsed.GetValue(_maxOutput),
            },
            Ledger = new LedgerOptions { LeaseTtl = parsed.GetValue(_leaseTtl) },
            HeartbeatInterval = parsed.GetValue(_heartbeat),
            DedupLookback = parsed.GetValue(_dedup),
            ArtifactTtl = parsed.GetValue(_artifactTtl),
            IdempotencyKeyLifetime = parsed.GetValue(_idempotency),
            Slurm = _slurm.Settings(parsed),
            Prices = LoadPrices(parsed.GetValue(_prices)),
        };
        var agent = new EmbeddedAgentOptions
        {
            Slots = parsed.GetValue(_localSlots),
            DatasetSlots = parsed.GetValue(_datasetSlots),
            RasterThreads = parsed.GetValue(_raster.Threads),
            GdalCacheMegabytes = parsed.GetValue(_raster.GdalCacheMegabytes),
            ExecTools = LoadExecTools(parsed.GetValue(_toolsDir) ?? (_up ? ShippedToolsDir() : null)),
        };
        if (options.HeartbeatInterval * 2 > options.Ledger.LeaseTtl)
        {
            throw new UsageException($"--lease-ttl ({options.Ledger.LeaseTtl.TotalSeconds} s) must be at least twice --heartbeat-interval ({options.HeartbeatInterval.TotalSeconds} s), or leases expire between heartbeats");
        }

        if ((options.LinkTlsCertificate is null) != (options.LinkTlsKey is null))
        {
            throw new UsageException("--link-tls-cert and --link-tls-key go together");
        }

        EdgeJobsServer server;
        try
        {
            server = await EdgeJobsServer.StartAsync(options, agent).ConfigureAwait(false);
        }
        catch (LedgerVersionException e)
        {
            throw new CommandFailedException(e.Message);
        }
        catch (IOException e)
        {
            throw new CommandFailedException($"cannot start: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw new CommandFailedException(e.Message);
        }

        await using (server.ConfigureAwait(false))
        {
            if (server.AgentNotStarted is { } why)
            {
                Console.Error.WriteLine($"edgejobs: {why}");
            }

            using var systemd = new SystemdNotifier();
            using var watchdogStop = new CancellationTokenSource();
            var coordinator = server.Coordinator;
            if (_up)
            {
                PrintWelcome(coordinator);
            }

            systemd.Ready($"serving on {coordinator.HttpAddress.Authority}, agent link on {coordinator.LinkAddress}");
            var watchdog = systemd.RunWatchdogAsync(() => coordinator.Ledger.IsReadyAsync(), watchdogStop.Token);
            await server.WaitForShutdownAsync().ConfigureAwait(false);
            systemd.Stopping("draining the embedded agent and stopping");

            // Drain the embedded agent while the link is still up, so its results reach the ledger.
            await server.StopAgentAsync().ConfigureAwait(false);
            await watchdogStop.CancelAsync().ConfigureAwait(false);
            await watchdog.ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>The manifests <c>scripts/publish</c> puts next to the binaries (<c>dist/tools.d</c>), when they are there.</summary>
    private static string? ShippedToolsDir() =>
        Path.Combine(AppContext.BaseDirectory, "tools.d") is var dir && Directory.Exists(dir) ? dir : null;

    private static IReadOnlyList<EdgeJobs.Catalog.Exec.ExecManifest> LoadExecTools(string? toolsDir)
    {
        if (toolsDir is null)
        {
            return [];
        }

        try
        {
            return EdgeJobs.Agent.AgentService.LoadExecTools(toolsDir);
        }
        catch (EdgeJobs.Catalog.Exec.ExecManifestException e)
        {
            throw new CommandFailedException("--tools-dir: " + e.Message);
        }
    }

    private static Option<string?> Listener(string name, string description, string fallback)
    {
        var option = Flags.Text(name, "HOST:PORT", description, fallback);
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && !HostPort.TryParseListener(value, out _))
            {
                result.AddError($"{name} '{value}' is not host:port (e.g. {fallback})");
            }
        });
        return option;
    }

    private static Option<string?> ExistingFile(string name, string description)
    {
        var option = Flags.Text(name, "FILE", description);
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } path && !File.Exists(path))
            {
                result.AddError($"{name} {path} does not exist");
            }
        });
        return option;
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
