using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Ledger;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator;

/// <summary>Everything the coordinator is started with (the flags of README "Running the coordinator").</summary>
public sealed record CoordinatorOptions
{
    public required string DataDir { get; init; }

    /// <summary>REST listener, <c>host:port</c>; port 0 picks a free one (tests).</summary>
    public string Http { get; init; } = "127.0.0.1:8080";

    /// <summary>Agent link listener, <c>host:port</c>.</summary>
    public string Link { get; init; } = "127.0.0.1:8081";

    /// <summary>PEM certificate (chain) and key for TLS on the agent link; both or neither.</summary>
    public string? LinkTlsCertificate { get; init; }

    public string? LinkTlsKey { get; init; }

    /// <summary>
    /// The work dir of an agent running in this process (<c>edgejobs up</c>). Its artifacts are handed over
    /// by renaming the file (given <see cref="CoordinatorServer.ColocationSecret"/>) instead of streamed.
    /// </summary>
    public string? ColocatedAgentWorkDir { get; init; }

    public string? DataRoot { get; init; }

    /// <summary>
    /// The REST URL agents read dataset inputs from (<c>--advertise-http</c>), e.g. behind a proxy or NAT; null: the
    /// address each agent reached the link on, with the REST port.
    /// </summary>
    public string? AdvertiseHttp { get; init; }

    /// <summary>
    /// The hosts a recipe job's <c>on_exit</c> webhook may call (<c>--webhook-allow</c>); empty: none, so the coordinator
    /// never makes requests to hosts a job names.
    /// </summary>
    public IReadOnlyList<string> WebhookAllow { get; init; } = [];

    /// <summary>
    /// The hosts a campaign's STAC or CSW catalog may be read from over HTTP (<c>--catalog-allow</c>); empty: none (catalogs
    /// in the data root and datasets only).
    /// </summary>
    public IReadOnlyList<string> CatalogAllow { get; init; } = [];

    /// <summary>
    /// The hosts a job's params may name as an input URL (<c>--input-url-allow</c>; nc-to-geotiff's <c>url</c>), which its
    /// agent then reads; empty: none.
    /// </summary>
    public IReadOnlyList<string> InputUrlAllow { get; init; } = [];

    /// <summary>What a job's work costs in credits, per tool (<c>--prices</c>): reserved from its estimate, charged from its measured work.</summary>
    public Credits.PriceTable Prices { get; init; } = Credits.PriceTable.Default;

    /// <summary>How long a catalog read that failed transiently (a timeout, a 5xx) waits before its second try; each later wait doubles.</summary>
    public TimeSpan CatalogRetryBase { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Records a campaign's repair reads at most from its whole catalog (413 beyond: repair batch by batch).</summary>
    public int RepairMaxRecords { get; init; } = Campaigns.VariantRepair.DefaultMaxRecords;

    /// <summary>How long a failed webhook call waits before its second try; each later wait doubles (1 s: up to 256 s).</summary>
    public TimeSpan WebhookRetryBase { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>JSON log lines (journald, log shippers) instead of readable text.</summary>
    public bool JsonLogs { get; init; }

    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    public LedgerOptions Ledger { get; init; } = new();

    public QuotaOptions Quotas { get; init; } = new();

    /// <summary>A completed job is returned for an identical submit if it finished within this window.</summary>
    public TimeSpan DedupLookback { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long a job's artifact can be downloaded; afterwards it is deleted and downloads answer 410.</summary>
    public TimeSpan ArtifactTtl { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long an Idempotency-Key and its first answer are kept (also after the job is deleted).</summary>
    public TimeSpan IdempotencyKeyLifetime { get; init; } = TimeSpan.FromHours(24);

    public ToolCatalog Catalog { get; init; } = ToolCatalog.BuiltIn;

    /// <summary>Reads rasters' details for the dataset index (the host passes GDAL's); null indexes entries without them.</summary>
    public Datasets.IRasterInspector? RasterInspector { get; init; }

    /// <summary>Reads rasters for web-map tiles (GDAL, in the server binary); null: no tiles (501).</summary>
    public Tiles.ITileReader? TileReader { get; init; }

    /// <summary>Slurm allocation queues (README "HPC"); none: the coordinator waits for agents to appear.</summary>
    public Slurm.SlurmSettings Slurm { get; init; } = new();

    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often agents send a heartbeat; a node is down after three missed ones.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Messages that may wait for one agent that is not reading before its link is closed; 0 for the default.</summary>
    public int LinkOutgoingQueueCapacity { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public string LedgerPath => Path.Combine(DataDir, "ledger.db");

    public string ResolvedDataRoot => DataRoot ?? Path.Combine(DataDir, "data");

    public string AdminTokenPath => Path.Combine(DataDir, "admin.token");

    public string AgentTokenPath => Path.Combine(DataDir, "agent.token");
}
