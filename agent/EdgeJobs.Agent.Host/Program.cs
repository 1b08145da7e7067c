using System.CommandLine;
using System.Runtime.InteropServices;
using EdgeJobs.Agent;
using EdgeJobs.Hosting;
using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Hosting.Logging;
using EdgeJobs.Hosting.Net;
using EdgeJobs.Hosting.Systemd;
using EdgeJobs.Protocol;
using EdgeJobs.Protocol.Jobs;
using Microsoft.Extensions.Logging;

// edgejobs-agent: runs jobs for a coordinator until SIGTERM, then drains and exits.
return await CommandLineApp.RunAsync(AgentCommand.Create(), "edgejobs-agent", BuildInfo.Version, args).ConfigureAwait(false);

internal static class AgentCommand
{
    /// <summary>The coordinator refused this agent (its token): retrying would not help, so systemd should not restart it.</summary>
    private const int Refused = 3;

    public static RootCommand Create()
    {
        var coordinator = Flags.RequiredText("--coordinator", "HOST:PORT", "the coordinator's agent link (its --link), e.g. 10.0.0.5:8081");
        coordinator.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && !HostPort.TryParse(value, out _, out _))
            {
                result.AddError($"--coordinator '{value}' is not host:port");
            }
        });
        var tokenFile = Flags.Text("--token-file", "FILE", "a token with the 'agent' scope (the coordinator's DATA_DIR/agent.token); EDGEJOBS_TOKEN may hold the secret instead");
        var name = Flags.Text("--name", "NAME", "shown in `edgejobs nodes` (default: the host name)");
        var slots = Flags.Int("--slots", "N", "jobs at once", Environment.ProcessorCount, 1, 4096, shownDefault: "one per core");
        var workDir = Flags.Text("--work-dir", "DIR", "scratch space and the node's identity", "edgejobs-agent");
        var dataRoot = Flags.Text("--data-root", "DIR", "where tool input paths resolve (default WORK_DIR/data)");
        var datasetsDir = Flags.Text("--datasets-dir", "DIR", "a mount of the coordinator's DATA_DIR/datasets: jobs on datasets read inputs here (default: over HTTP from the coordinator)");
        var downloadUpTo = Flags.Create("--download-inputs-up-to", "BYTES",
            "without --datasets-dir: inputs up to this size are downloaded into the job's work dir and read there, larger ones read in place over HTTP (0: always in place)",
            raw => long.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes)
                ? bytes
                : throw new UsageException($"--download-inputs-up-to must be a number of bytes, not '{raw}'"),
            AgentOptions.DefaultDownloadInputsUpToBytes, "16 GiB");
        var labels = Flags.Repeated("--label", "KEY=VALUE", "describes the node (jobs may require labels: node_labels); repeatable");
        var tls = Flags.Switch("--tls", "speak TLS to the coordinator (its --link-tls-cert)");
        var tlsCa = Flags.Text("--tls-ca", "FILE", "also trust this PEM CA for the coordinator's certificate (implies --tls)");
        var toolsDir = Flags.Text("--tools-dir", "DIR", "exec tools: one JSON manifest per external program (*.json; a manifest with an error stops the agent, naming its file and line)");
        var drain = Flags.Duration("--drain-timeout", "on SIGTERM, how long running jobs may finish before they are handed back", TimeSpan.FromSeconds(30));
        var allocationEnd = Flags.Create<DateTimeOffset?>("--allocation-end", "UNIX_SECONDS",
            "when this node's allocation ends (default: SLURM_JOB_END_TIME when set): no job whose timeout_s ends after it is taken, and draining starts --drain-timeout + 5 s before it",
            raw => long.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : throw new UsageException($"--allocation-end must be Unix seconds, not '{raw}'"), null);
        var idle = Flags.Duration("--idle-timeout", "exit (0) after holding no job for this long, ending a Slurm allocation (0: never)", TimeSpan.Zero);
        var root = new RootCommand("edgejobs-agent — runs EdgeJobs jobs on this node for a coordinator")
        {
            coordinator, tokenFile, name, slots, workDir, dataRoot, datasetsDir, downloadUpTo, labels, tls, tlsCa, toolsDir,
        };
        var raster = RasterFlags.AddTo(root);
        root.Options.Add(drain);
        root.Options.Add(allocationEnd);
        root.Options.Add(idle);
        var log = LogFlags.AddTo(root);
        root.Subcommands.Add(CompletionCommand.Create("edgejobs-agent"));
        root.WithNotes($"""
            Every flag also reads the environment variable named beside it: --coordinator is EDGEJOBS_COORDINATOR.
            Exit codes: 0 after a clean drain, 2 bad usage, {Refused} refused by the coordinator.
            """);
        root.SetAction((parsed, _) =>
        {
            var work = Path.GetFullPath(parsed.GetValue(workDir)!);
            var ca = parsed.GetValue(tlsCa);
            var options = new AgentOptions
            {
                Coordinator = parsed.GetValue(coordinator)!,
                Token = ReadToken(parsed.GetValue(tokenFile)),
                Name = parsed.GetValue(name) ?? Environment.MachineName,
                Slots = parsed.GetValue(slots),
                WorkDir = work,
                DataRoot = Path.GetFullPath(parsed.GetValue(dataRoot) ?? Path.Combine(work, "data")),
                DatasetsDir = parsed.GetValue(datasetsDir) is { } mounted
                    ? Directory.Exists(mounted) ? Path.GetFullPath(mounted) : throw new UsageException($"--datasets-dir {mounted} is not a directory")
                    : null,
                DownloadInputsUpToBytes = parsed.GetValue(downloadUpTo),
                Labels = ParseLabels(parsed.GetValue(labels) ?? []),
                Tls = parsed.GetValue(tls) || ca is not null,
                TlsCaFile = ca is null || File.Exists(ca) ? ca : throw new UsageException($"--tls-ca {ca} does not exist"),
                DrainTimeout = parsed.GetValue(drain),
                AllocationEnd = parsed.GetValue(allocationEnd) ?? SlurmJobEnd(),
                IdleTimeout = parsed.GetValue(idle),
                RasterThreads = parsed.GetValue(raster.Threads),
                GdalCacheMegabytes = parsed.GetValue(raster.GdalCacheMegabytes),
                ExecTools = LoadExecTools(parsed.GetValue(toolsDir)),
            };
            return RunAsync(options, log.Json(parsed), parsed.GetValue(log.Level));
        });
        return root;
    }

    private static async Task<int> RunAsync(AgentOptions options, bool json, LogLevel level)
    {
        MallocThresholds.Raise();
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
            return Refused;
        }
    }

    private static IReadOnlyList<EdgeJobs.Catalog.Exec.ExecManifest> LoadExecTools(string? toolsDir)
    {
        if (toolsDir is null)
        {
            return [];
        }

        try
        {
            return AgentService.LoadExecTools(toolsDir);
        }
        catch (EdgeJobs.Catalog.Exec.ExecManifestException e)
        {
            throw new CommandFailedException("--tools-dir: " + e.Message);
        }
    }

    /// <summary>The allocation's end as Slurm tells its jobs (<c>SLURM_JOB_END_TIME</c>, Unix seconds; newer Slurm versions set it).</summary>
    private static DateTimeOffset? SlurmJobEnd() =>
        long.TryParse(Environment.GetEnvironmentVariable("SLURM_JOB_END_TIME"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            && seconds > 0
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static string ReadToken(string? file)
    {
        if (file is not null)
        {
            return File.Exists(file) ? File.ReadAllText(file).Trim() : throw new UsageException($"--token-file {file} does not exist");
        }

        return Environment.GetEnvironmentVariable("EDGEJOBS_TOKEN")?.Trim() is { Length: > 0 } token
            ? token
            : throw new UsageException("--token-file is required (or EDGEJOBS_TOKEN)");
    }

    private static Dictionary<string, string> ParseLabels(string[] pairs)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in pairs)
        {
            var eq = label.IndexOf('=');
            if (eq <= 0)
            {
                throw new UsageException($"--label '{label}' must be key=value");
            }

            if (!NodeLabels.IsValidKey(label[..eq]) || !NodeLabels.IsValidValue(label[(eq + 1)..]))
            {
                throw new UsageException($"--label '{label}': key and value {NodeLabels.Rule}");
            }

            labels[label[..eq]] = label[(eq + 1)..];
        }

        return labels;
    }
}
