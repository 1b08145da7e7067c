using System.Runtime.InteropServices;
using EdgeJobs.Agent;
using EdgeJobs.Hosting;
using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Hosting.Logging;
using EdgeJobs.Hosting.Net;
using EdgeJobs.Hosting.Systemd;
using EdgeJobs.Protocol;
using Microsoft.Extensions.Logging;

// edgejobs-agent: runs jobs for a coordinator until SIGTERM, then drains and exits.
return await AgentCli.RunAsync(args).ConfigureAwait(false);

internal static class AgentCli
{
    private const string Help = """
        edgejobs-agent — runs EdgeJobs jobs on this node for a coordinator

        usage: edgejobs-agent --coordinator HOST:PORT --token-file FILE [--name NAME] [--slots N]
                              [--work-dir DIR] [--data-root DIR] [--label KEY=VALUE]... [--tls] [--tls-ca FILE]
                              [--raster-threads N] [--gdal-cache-mb N]
                              [--drain-timeout DURATION] [--log-format text|json] [--log-level LEVEL]

          --coordinator HOST:PORT  the coordinator's agent link (its --link), e.g. 10.0.0.5:8081
          --token-file FILE        a token with the 'agent' scope (the coordinator's DATA_DIR/agent.token);
                                   EDGEJOBS_TOKEN may hold the secret instead
          --name NAME              shown in `edgejobs nodes` (default: the host name)
          --slots N                jobs at once (default: one per core)
          --work-dir DIR           scratch space and the node's identity (default ./edgejobs-agent)
          --data-root DIR          where tool input paths resolve (default WORK_DIR/data)
          --label KEY=VALUE        describes the node; repeatable
          --tls                    speak TLS to the coordinator (its --link-tls-cert)
          --tls-ca FILE            also trust this PEM CA for the coordinator's certificate (implies --tls)
          --raster-threads N       threads one raster job computes and compresses on (default: one per core)
          --gdal-cache-mb N        GDAL's block cache (default 64, or GDAL_CACHEMAX from the environment)
          --drain-timeout D        on SIGTERM, how long running jobs may finish before they are
                                   handed back (default 30s)
          --log-format FORMAT      text (default) or json
          --log-level LEVEL        trace, debug, information (default), warning, error

        Every flag has an environment variable: --coordinator is EDGEJOBS_COORDINATOR, and so on.
        Exit codes: 0 after a clean drain, 2 bad usage, 3 refused by the coordinator.
        """;

    public static async Task<int> RunAsync(string[] argv)
    {
        MallocThresholds.Raise();
        AgentOptions options;
        bool json;
        LogLevel level;
        try
        {
            var args = CliArgs.Parse(argv, "help", "h", "version", "tls");
            if (args.WantsHelp)
            {
                Console.Out.Write(Help);
                return 0;
            }

            if (args.Has("version"))
            {
                Console.Out.WriteLine($"edgejobs-agent {BuildInfo.Version}");
                return 0;
            }

            (options, json, level) = Parse(args);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"edgejobs-agent: {e.Message}");
            Console.Error.WriteLine("see: edgejobs-agent --help");
            return 2;
        }

        using var loggers = LoggerFactory.Create(logging => HostLogging.Configure(logging, json, level));
        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var systemd = new SystemdNotifier();
        try
        {
            var agent = new AgentService(options, loggers);
            systemd.Ready($"agent {options.Name} for {options.Coordinator}, {options.Slots} slots");
            using var watchdogStop = new CancellationTokenSource();
            using var stopping = stop.Token.Register(() => systemd.Stopping("draining"));
            var run = agent.RunAsync(stop.Token);

            // Healthy while the agent's loop runs (connected, or redialling with backoff).
            var watchdog = systemd.RunWatchdogAsync(() => Task.FromResult(!run.IsCompleted), watchdogStop.Token);
            await run.ConfigureAwait(false);
            await watchdogStop.CancelAsync().ConfigureAwait(false);
            await watchdog.ConfigureAwait(false);
            return 0;
        }
        catch (EdgeJobs.Agent.Link.AgentRefusedException)
        {
            return 3;
        }
    }

    private static (AgentOptions, bool, LogLevel) Parse(CliArgs args)
    {
        var coordinator = args.Get("coordinator") ?? throw new UsageException("--coordinator HOST:PORT is required");
        if (!HostPort.TryParse(coordinator, out _, out _))
        {
            throw new UsageException($"--coordinator '{coordinator}' is not host:port");
        }

        string token;
        if (args.Get("token-file") is { } file)
        {
            token = File.Exists(file) ? File.ReadAllText(file).Trim() : throw new UsageException($"--token-file {file} does not exist");
        }
        else
        {
            token = Environment.GetEnvironmentVariable("EDGEJOBS_TOKEN")?.Trim() is { Length: > 0 } t ? t : throw new UsageException("--token-file is required (or EDGEJOBS_TOKEN)");
        }

        var workDir = Path.GetFullPath(args.Get("work-dir") ?? "edgejobs-agent");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in args.GetAll("label"))
        {
            var eq = label.IndexOf('=');
            if (eq <= 0)
            {
                throw new UsageException($"--label '{label}' must be key=value");
            }

            labels[label[..eq]] = label[(eq + 1)..];
        }

        var options = new AgentOptions
        {
            Coordinator = coordinator,
            Token = token,
            Name = args.Get("name") ?? Environment.MachineName,
            Slots = args.GetInt("slots", Environment.ProcessorCount, 1, 4096),
            WorkDir = workDir,
            DataRoot = Path.GetFullPath(args.Get("data-root") ?? Path.Combine(workDir, "data")),
            Labels = labels,
            Tls = args.Has("tls") || args.Get("tls-ca") is not null,
            TlsCaFile = args.Get("tls-ca") is { } ca ? (File.Exists(ca) ? ca : throw new UsageException($"--tls-ca {ca} does not exist")) : null,
            DrainTimeout = args.Get("drain-timeout") is { } d ? Durations.Parse(d) : TimeSpan.FromSeconds(30),
            RasterThreads = args.GetInt("raster-threads", Environment.ProcessorCount, 1, 1024),
            GdalCacheMegabytes = args.Get("gdal-cache-mb") is not null ? args.GetInt("gdal-cache-mb", AgentOptions.DefaultGdalCacheMegabytes, 16, 1 << 20) : null,
        };
        var json = (args.Get("log-format") ?? "text") switch
        {
            "text" => false,
            "json" => true,
            var other => throw new UsageException($"--log-format must be text or json, not '{other}'"),
        };
        var level = HostLogging.ParseLevel(args.Get("log-level") ?? "information");
        args.RejectUnknown();
        return (options, json, level);
    }
}
