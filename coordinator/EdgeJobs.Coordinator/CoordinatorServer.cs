using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Artifacts;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Datasets;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Coordinator.Link;
using EdgeJobs.Coordinator.Scheduling;
using EdgeJobs.Coordinator.Tools;
using EdgeJobs.Hosting.Net;
using EdgeJobs.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
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

    private readonly Task _dispatcher;

    private readonly Task _webhooks;

    private readonly Task _batches;

    private readonly HttpClient _catalogHttp;

    private readonly Slurm.Allocator? _allocator;
    private readonly Task _allocations;

    private CoordinatorServer(WebApplication app, JobLedger ledger, CoordinatorOptions options, Uri httpAddress, IPEndPoint linkAddress,
        Dispatcher dispatcher, LeaseSweeper sweeper, Recipes.ExitWebhooks webhooks, Campaigns.BatchReader batches, HttpClient catalogHttp,
        Slurm.Allocator? allocator)
    {
        _allocator = allocator;
        _allocations = allocator is null ? Task.CompletedTask : Task.Run(() => allocator.RunAsync(_stopping.Token));
        _app = app;
        Ledger = ledger;
        Options = options;
        HttpAddress = httpAddress;
        LinkAddress = linkAddress;
        _sweeper = Task.Run(() => sweeper.RunAsync(_stopping.Token));
        _dispatcher = Task.Run(() => dispatcher.RunAsync(_stopping.Token));
        _webhooks = Task.Run(() => webhooks.RunAsync(_stopping.Token));
        _batches = Task.Run(() => batches.RunAsync(_stopping.Token));
        _catalogHttp = catalogHttp;
    }

    /// <summary>
    /// The secret an agent in this process presents to hand artifacts over by path; null unless
    /// <see cref="CoordinatorOptions.ColocatedAgentWorkDir"/> is set. Never leaves the process.
    /// </summary>
    public string? ColocationSecret => _app.Services.GetRequiredService<LinkSettings>().Colocation?.Secret;

    /// <summary>The datasets as dataset tools change them (for the agent in this process only).</summary>
    public DatasetMaintenance Datasets => _app.Services.GetRequiredService<DatasetMaintenance>();

    /// <summary>The web application's services: its endpoints (<c>EndpointDataSource</c>) and the OpenAPI documents, for tests.</summary>
    internal IServiceProvider Services => _app.Services;

    /// <summary>The bound agent link address (the real port when 0 was asked).</summary>
    public IPEndPoint LinkAddress { get; }

    public JobLedger Ledger { get; }

    public CoordinatorOptions Options { get; }

    /// <summary>The bound REST address, e.g. <c>http://127.0.0.1:8080/</c> (the real port when 0 was asked).</summary>
    public Uri HttpAddress { get; }

    public static async Task<CoordinatorServer> StartAsync(CoordinatorOptions options, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        if (!HostPort.TryParseListener(options.Http, out var httpEndpoint))
        {
            throw new ArgumentException($"--http '{options.Http}' is not host:port (e.g. 127.0.0.1:8080)", nameof(options));
        }

        if (!HostPort.TryParseListener(options.Link, out var linkEndpoint))
        {
            throw new ArgumentException($"--link '{options.Link}' is not host:port (e.g. 127.0.0.1:8081)", nameof(options));
        }

        if ((options.LinkTlsCertificate is null) != (options.LinkTlsKey is null))
        {
            throw new ArgumentException("--link-tls-cert and --link-tls-key go together", nameof(options));
        }

        var linkCertificate = options.LinkTlsCertificate is { } cert ? LoadCertificate(cert, options.LinkTlsKey!) : null;
        // A catalog of this coordinator's own: exec tools are learned into it from the ledger and from agents.
        options = options with { DataDir = Path.GetFullPath(options.DataDir), Catalog = options.Catalog.WithoutExecTools() };
        CreatePrivateDirectory(options.DataDir);
        var ledger = JobLedger.Open(options.LedgerPath, options.Ledger, options.Time);

        // No configuration reload: it watches the content root recursively, and the data dir (ledger WAL,
        // artifacts, the embedded agent's work dirs) changes with every job — measured at ~7% of the
        // process's thread time spent reading file-change events nobody needs.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"], ContentRootPath = options.DataDir });
        ConfigureLogging(builder.Logging, options);
        builder.Services.AddSingleton(ledger);
        OpenApi.OpenApiDocuments.AddTo(builder.Services);
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, Transport.LargeBlockMemoryPoolFactory>();
        var colocation = options.ColocatedAgentWorkDir is { } workDir ? new Colocation(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), Path.GetFullPath(workDir)) : null;
        var rest = new RestAddress { Advertised = options.AdvertiseHttp is { } advertised ? advertised.TrimEnd('/') + "/" : null };
        builder.Services.AddSingleton(new LinkSettings(options.HeartbeatInterval, options.Quotas.MaxOutputBytesPerJob, options.ArtifactTtl, colocation, options.LinkOutgoingQueueCapacity)
        {
            Rest = rest,
        });
        var artifacts = new ArtifactStore(options.DataDir);
        builder.Services.AddSingleton(artifacts);
        var datasets = new DatasetStore(options.DataDir);
        builder.Services.AddSingleton(datasets);
        var leaseTokens = new LeaseTokens(options.DataDir);
        builder.Services.AddSingleton(leaseTokens);
        builder.Services.AddSingleton(new DatasetMaintenance(ledger, datasets, options.RasterInspector));
        builder.Services.AddSingleton(sp => new DatasetOutputs(ledger, datasets, options.Catalog, options.RasterInspector,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeJobs.Datasets")));
        builder.Services.AddSingleton(sp => new ExecToolRegistry(ledger, options.Catalog, sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeJobs.ExecTools")));
        builder.Services.AddSingleton(sp => new Recipes.RecipeOutputs(ledger, options.Catalog, options.DataDir, options.ResolvedDataRoot,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeJobs.Recipes")));
        builder.Services.AddSingleton(sp => new Dispatcher(ledger, sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeJobs.Scheduling"), leaseTokens));
        ListenOptions? httpListen = null;
        ListenOptions? linkListen = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = RequestBody.MaxBytes * 2L;
            // Room for a download's chunk in flight while the next is read (see FileDownload); the default 64 KiB
            // made every chunk wait for the socket to drain.
            kestrel.Limits.MaxResponseBufferSize = Api.FileDownload.ResponseBufferBytes;
            kestrel.Listen(httpEndpoint, listen => httpListen = listen);
            kestrel.Listen(linkEndpoint, listen =>
            {
                linkListen = listen;
                if (linkCertificate is not null)
                {
                    listen.UseHttps(linkCertificate);
                }

                listen.UseConnectionHandler<LinkConnectionHandler>();
            });
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

        WebApplication app;
        try
        {
            app = builder.Build();
        }
        catch
        {
            await ledger.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeJobs.Coordinator");
        var dispatcher = app.Services.GetRequiredService<Dispatcher>();
        var allocator = options.Slurm.Queues.Count == 0 ? null
            : new Slurm.Allocator(options.Slurm, ledger, dispatcher, options.Catalog, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeJobs.Slurm"));
        // Catalogs are read with redirects off: a redirect could lead to a host --catalog-allow does not name.
        var catalogHttp = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(60) };
        Campaigns.BatchReader batches;
        try
        {
            logger.LedgerOpened(ledger.Path, EdgeJobs.Coordinator.Ledger.Migrator.LatestVersion);
            await TokenBootstrap.EnsureAsync(ledger, options, logger).ConfigureAwait(false);

            // The exec tools first: recovering an output asks its tool what it made (a directory output is unpacked).
            await app.Services.GetRequiredService<ExecToolRegistry>().LoadAsync().ConfigureAwait(false);
            await app.Services.GetRequiredService<DatasetOutputs>().RecoverAsync().ConfigureAwait(false);
            await app.Services.GetRequiredService<Recipes.RecipeOutputs>().RecoverAsync().ConfigureAwait(false);
            ErrorMiddleware.Use(app, logger);
            Directory.CreateDirectory(options.ResolvedDataRoot);
            batches = ApiRoutes.Map(app, ledger, options, dispatcher, artifacts, datasets, leaseTokens, catalogHttp, logger,
                app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeJobs.Campaigns"), allocator);
            await app.StartAsync(cancellation).ConfigureAwait(false);
            rest.Port = httpListen!.IPEndPoint!.Port;
        }
        catch
        {
            catalogHttp.Dispose();
            await ledger.DisposeAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = new Uri($"http://{Reachable(httpListen!.IPEndPoint!)}/");
        var link = Reachable(linkListen!.IPEndPoint!);
        logger.Listening(BuildInfo.Version, address.Authority, Path.GetFullPath(options.DataDir));
        logger.LinkListening(link.ToString());
        allocator?.Bind(linkListen!.IPEndPoint!, options.LinkTlsCertificate, options.DataDir);
        logger.Ready(clock.ElapsedMilliseconds);

        return new CoordinatorServer(app, ledger, options, address, link, dispatcher,
            new LeaseSweeper(ledger, dispatcher, artifacts, options.Prices, options.SweepInterval, options.Time, logger),
            new Recipes.ExitWebhooks(ledger, options.DataDir, options.SweepInterval, options.WebhookRetryBase, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeJobs.Recipes")),
            batches, catalogHttp, allocator);
    }

    /// <summary>A PEM certificate with its key; the key is re-imported so it is usable on every platform.</summary>
    private static X509Certificate2 LoadCertificate(string certificatePath, string keyPath)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or IOException)
        {
            throw new ArgumentException($"cannot load the link TLS certificate {certificatePath} with key {keyPath}: {e.Message}", e);
        }
    }

    /// <summary>An address a local client can dial: a wildcard bind is reached over loopback.</summary>
    private static IPEndPoint Reachable(IPEndPoint bound) =>
        bound.Address.Equals(IPAddress.Any) ? new IPEndPoint(IPAddress.Loopback, bound.Port)
        : bound.Address.Equals(IPAddress.IPv6Any) ? new IPEndPoint(IPAddress.IPv6Loopback, bound.Port)
        : bound;

    /// <summary>
    /// Completes when the process is asked to stop (SIGTERM, Ctrl+C). The server keeps serving until
    /// disposed, so an embedded agent can still drain and report over the link.
    /// </summary>
    public Task WaitForShutdownAsync(CancellationToken cancellation = default)
    {
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _app.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        cancellation.Register(() => stopping.TrySetCanceled(cancellation));
        return stopping.Task;
    }

    /// <summary>Where Kestrel's receive buffers come from (<see cref="Transport.LargeBlockMemoryPool"/>).</summary>
    internal Transport.LargeBlockMemoryPoolFactory ReceiveBuffers => (Transport.LargeBlockMemoryPoolFactory)_app.Services.GetRequiredService<IMemoryPoolFactory<byte>>();

    /// <summary>The server's loggers, for components hosted beside it (the embedded agent).</summary>
    public ILoggerFactory LoggerFactory => _app.Services.GetRequiredService<ILoggerFactory>();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _sweeper.ConfigureAwait(false);
        await _dispatcher.ConfigureAwait(false);
        await _webhooks.ConfigureAwait(false);
        await _batches.ConfigureAwait(false);
        _catalogHttp.Dispose();
        await _allocations.ConfigureAwait(false);
        if (_allocator is not null)
        {
            // While the link is up: scancel's SIGTERM makes the allocations' agents hand their jobs back first.
            await _allocator.CancelAllAsync().ConfigureAwait(false);
        }

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
