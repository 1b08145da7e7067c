using System.Diagnostics;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Scheduling;
using EdgeJobs.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ZLogger;

namespace EdgeJobs.Coordinator;

/// <summary>
/// A running coordinator: the ledger, the REST API on Kestrel, and the lease sweeper. The edgejobs
/// binary, the tests and the benchmarks all start it the same way, in-process.
/// </summary>
public sealed class CoordinatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _sweeper;

    private CoordinatorServer(WebApplication app, Ledger.Ledger ledger, CoordinatorOptions options, Uri httpAddress, LeaseSweeper sweeper)
    {
        _app = app;
        Ledger = ledger;
        Options = options;
        HttpAddress = httpAddress;
        _sweeper = Task.Run(() => sweeper.RunAsync(_stopping.Token));
    }

    public Ledger.Ledger Ledger { get; }

    public CoordinatorOptions Options { get; }

    /// <summary>The bound REST address, e.g. <c>http://127.0.0.1:8080/</c> (the real port when 0 was asked).</summary>
    public Uri HttpAddress { get; }

    public static async Task<CoordinatorServer> StartAsync(CoordinatorOptions options, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        if (!Endpoints.TryParse(options.Http, out var httpEndpoint))
        {
            throw new ArgumentException($"--http '{options.Http}' is not host:port (e.g. 127.0.0.1:8080)", nameof(options));
        }

        options = options with { DataDir = Path.GetFullPath(options.DataDir) };
        CreatePrivateDirectory(options.DataDir);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = options.DataDir });
        ConfigureLogging(builder.Logging, options);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = RequestBody.MaxBytes * 2L;
            kestrel.Listen(httpEndpoint);
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeJobs.Coordinator");
        var ledger = EdgeJobs.Coordinator.Ledger.Ledger.Open(options.LedgerPath, options.Ledger, options.Time);
        try
        {
            logger.LedgerOpened(ledger.Path, EdgeJobs.Coordinator.Ledger.Migrator.LatestVersion);
            await TokenBootstrap.EnsureAsync(ledger, options, logger).ConfigureAwait(false);

            ErrorMiddleware.Use(app, logger);
            Directory.CreateDirectory(options.ResolvedDataRoot);
            ApiRoutes.Map(app, ledger, options, logger);
            await app.StartAsync(cancellation).ConfigureAwait(false);
        }
        catch
        {
            await ledger.DisposeAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var address = new Uri(bound.Replace("://[::]", "://[::1]", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal) + "/");
        logger.Listening(BuildInfo.Version, address.Authority, Path.GetFullPath(options.DataDir));
        logger.Ready(clock.ElapsedMilliseconds);

        return new CoordinatorServer(app, ledger, options, address, new LeaseSweeper(ledger, options.SweepInterval, options.Time, logger));
    }

    /// <summary>Completes when the host is asked to stop (SIGTERM, Ctrl+C).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellation = default) => _app.WaitForShutdownAsync(cancellation);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _sweeper.ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await Ledger.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static void ConfigureLogging(ILoggingBuilder logging, CoordinatorOptions options)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(options.LogLevel);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddZLoggerConsole(console =>
        {
            if (options.JsonLogs)
            {
                console.UseJsonFormatter();
            }
            else
            {
                console.UsePlainTextFormatter(text => text.SetPrefixFormatter(
                    $"{0:utc-longdate} {1:short} ",
                    (in MessageTemplate template, in LogInfo info) => template.Format(info.Timestamp, info.LogLevel)));
            }
        });
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
