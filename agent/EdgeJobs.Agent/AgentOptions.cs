namespace EdgeJobs.Agent;

/// <summary>What an agent is started with (the flags of README "More machines").</summary>
public sealed record AgentOptions
{
    /// <summary>The coordinator's link address, <c>host:port</c>.</summary>
    public required string Coordinator { get; init; }

    /// <summary>The secret of a token with the <c>agent</c> scope.</summary>
    public required string Token { get; init; }

    public string Name { get; init; } = Environment.MachineName;

    /// <summary>Speak TLS on the link (the coordinator has --link-tls-cert).</summary>
    public bool Tls { get; init; }

    /// <summary>A PEM CA certificate to trust for the coordinator's certificate, besides the system's roots.</summary>
    public string? TlsCaFile { get; init; }

    public int Slots { get; init; } = Environment.ProcessorCount;

    /// <summary>Scratch space for jobs and the persisted node key.</summary>
    public required string WorkDir { get; init; }

    /// <summary>Where tool input paths resolve.</summary>
    public required string DataRoot { get; init; }

    /// <summary>
    /// A mount of the coordinator's <c>DATA_DIR/datasets</c> (read-only is enough): inputs of jobs on datasets are read
    /// from it. Null: they are read over HTTP from the coordinator (GDAL's <c>/vsicurl/</c>).
    /// </summary>
    public string? DatasetsDir { get; init; }

    /// <summary>
    /// Without <see cref="DatasetsDir"/>: inputs up to this size are downloaded whole into the job's work dir and read
    /// there; larger ones are read in place through GDAL's <c>/vsicurl/</c> (see <see cref="Tools.DatasetInputs"/>).
    /// </summary>
    public long DownloadInputsUpToBytes { get; init; } = DefaultDownloadInputsUpToBytes;

    public const long DefaultDownloadInputsUpToBytes = 16L << 30;

    /// <summary>The coordinator's datasets, for dataset tools; set only for the agent in the coordinator's process.</summary>
    public Tools.IDatasetAccess? DatasetAccess { get; init; }

    /// <summary>Exec tools (external programs), read from <c>--tools-dir</c>; advertised in the Hello and run by <see cref="Tools.Exec.ExecAgentTool"/>.</summary>
    public IReadOnlyList<EdgeJobs.Catalog.Exec.ExecManifest> ExecTools { get; init; } = [];

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>On shutdown, how long running jobs may finish before they are stopped and handed back.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When the node stops being this agent's (a Slurm allocation's end: <c>--allocation-end</c>, <c>SLURM_JOB_END_TIME</c>);
    /// null: never. The agent takes no job whose timeout ends after <see cref="LeaveAt"/>, then drains and exits by it.
    /// </summary>
    public DateTimeOffset? AllocationEnd { get; init; }

    /// <summary>With nothing to run for this long the agent exits (0), ending its allocation; zero: never.</summary>
    public TimeSpan IdleTimeout { get; init; }

    /// <summary>When draining starts, so that it is over (jobs finished or handed back) a few seconds before <see cref="AllocationEnd"/>.</summary>
    public DateTimeOffset? LeaveAt => AllocationEnd - DrainTimeout - TimeSpan.FromSeconds(5);

    /// <summary>Log lines buffered per job while the coordinator is unreachable; older ones are dropped.</summary>
    public int MaxBufferedLogLines { get; init; } = 10_000;

    /// <summary>Threads a raster tool computes and compresses on (default: every core).</summary>
    public int RasterThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>GDAL's block cache in MB; null: 64 MB unless GDAL_CACHEMAX is set in the environment.</summary>
    public int? GdalCacheMegabytes { get; init; }

    /// <summary>GDAL's block cache when neither <c>--gdal-cache-mb</c> nor GDAL_CACHEMAX says otherwise (the hosts' help shows it).</summary>
    public const int DefaultGdalCacheMegabytes = EdgeJobs.Interop.Gdal.GdalLibrary.DefaultCacheMegabytes;

    /// <summary>
    /// Set only for the agent embedded in <c>edgejobs up</c>: the coordinator's co-location secret, which
    /// lets artifacts be handed over by renaming the file instead of streaming it through the link.
    /// </summary>
    public string? ColocationSecret { get; init; }

    /// <summary>Reconnect backoff: from this, doubling, with jitter...</summary>
    public TimeSpan ReconnectBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>...up to this.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(10);
}
