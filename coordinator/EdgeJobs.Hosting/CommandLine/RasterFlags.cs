using System.CommandLine;

namespace EdgeJobs.Hosting.CommandLine;

/// <summary>The raster flags of an agent, standalone (<c>edgejobs-agent</c>) or embedded (<c>edgejobs up</c>).</summary>
public sealed class RasterFlags
{
    public Option<int> Threads { get; } = Flags.Int("--raster-threads", "N", "threads one raster job computes and compresses on",
        Environment.ProcessorCount, 1, 1024, shownDefault: "one per core");

    /// <summary>Null: the agent's default (64, or GDAL_CACHEMAX from the environment).</summary>
    public Option<int?> GdalCacheMegabytes { get; } = Flags.OptionalInt("--gdal-cache-mb", "N", "GDAL's block cache in MB (default 64, or GDAL_CACHEMAX from the environment)", 16, 1 << 20);

    public static RasterFlags AddTo(Command command)
    {
        var flags = new RasterFlags();
        command.Options.Add(flags.Threads);
        command.Options.Add(flags.GdalCacheMegabytes);
        return flags;
    }
}
