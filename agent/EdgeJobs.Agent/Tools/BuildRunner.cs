using System.Globalization;
using EdgeJobs.Agent.Rasters;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Interop.Gdal;

namespace EdgeJobs.Agent.Tools;

/// <summary>
/// <c>build</c>: a Cloud Optimized GeoTIFF through GDAL's COG driver (tiles, overviews, the IFD layout
/// the COG validator checks), with compression on every core and progress/stop through GDAL's callback.
/// </summary>
public sealed class BuildRunner() : GdalAgentTool<BuildParams>(BuildTool.Instance)
{
    protected override void Run(ToolContext context, BuildParams p)
    {
        var input = InputFiles.Resolve(context, "$.params.path", p.Path);
        context.ReportProgress(0, "opening");
        var file = Path.Combine(context.WorkDir, "result.tif");
        var name = Path.GetFileNameWithoutExtension(p.Path) + ".cog.tif";
        context.TrackOutput(file, name);
        using (var source = GdalDataset.OpenRead(input))
        {
            using var cog = GdalDataset.CreateCopy("COG", file, source, Options(p, context.RasterThreads), f => context.ReportProgress(100 * f, "building"), context.Cancellation);
            context.Log($"built a COG of {source.Width}x{source.Height}, {source.BandCount} band(s), {p.Compression}");
        }

        OutputFiles.Deliver(context, file, BuildTool.Instance.OutputPath(context.ParamsJson), name);
    }

    /// <summary>The COG creation options the other tools use: build's defaults.</summary>
    public static IReadOnlyCollection<string> DefaultOptions(int threads) => Options(new BuildParams { Path = "" }, threads);

    /// <summary>The COG driver's creation options for the params.</summary>
    public static IReadOnlyCollection<string> Options(BuildParams p, int threads)
    {
        List<string> options =
        [
            "COMPRESS=" + p.Compression.ToUpperInvariant(),
            "BLOCKSIZE=" + p.BlockSize.ToString(CultureInfo.InvariantCulture),
            "RESAMPLING=" + p.Resampling.ToUpperInvariant(),
            "NUM_THREADS=" + threads.ToString(CultureInfo.InvariantCulture),
            "BIGTIFF=IF_SAFER",
        ];
        if (p.Compression is "zstd" or "deflate" or "lzw")
        {
            options.Add("PREDICTOR=" + p.Predictor switch { "auto" => "YES", "none" => "NO", "horizontal" => "STANDARD", _ => "FLOATING_POINT" });
        }

        // zstd's fastest levels compress about as well as lzw at several times its speed.
        var level = p.Level ?? p.Compression switch { "zstd" => 1, "deflate" => 6, _ => 0 };
        if (level > 0)
        {
            options.Add((p.Compression is "jpeg" or "webp" ? "QUALITY=" : "LEVEL=") + level.ToString(CultureInfo.InvariantCulture));
        }

        if (p.Overviews is { } count)
        {
            options.Add(count == 0 ? "OVERVIEWS=NONE" : "OVERVIEW_COUNT=" + count.ToString(CultureInfo.InvariantCulture));
        }

        return options;
    }
}
