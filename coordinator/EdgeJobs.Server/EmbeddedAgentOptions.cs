namespace EdgeJobs.Server;

/// <summary>The agent that runs inside the coordinator's process (<c>--local-agent-slots</c>).</summary>
public sealed record EmbeddedAgentOptions
{
    /// <summary>Jobs at once; 0 runs no embedded agent (the coordinator waits for remote ones).</summary>
    public int Slots { get; init; }

    /// <summary>
    /// Dataset tools at once (rescan-index, archive-extract, bulk-download), on a second agent in this process that runs
    /// only those, where the datasets are; 0 runs none (those jobs then wait).
    /// </summary>
    public int DatasetSlots { get; init; } = 1;

    /// <summary>Threads one raster job computes on; null: one per core.</summary>
    public int? RasterThreads { get; init; }

    /// <summary>GDAL's block cache; null: the agent's default (or GDAL_CACHEMAX).</summary>
    public int? GdalCacheMegabytes { get; init; }

    /// <summary>Exec tools the embedded agent runs (<c>--tools-dir</c>); the dataset agent runs none.</summary>
    public IReadOnlyList<EdgeJobs.Catalog.Exec.ExecManifest> ExecTools { get; init; } = [];

    /// <summary>How long its running jobs may finish when the server stops before they are handed back.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
