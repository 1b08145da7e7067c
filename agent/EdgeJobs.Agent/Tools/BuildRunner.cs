using System.Globalization;
using EdgeJobs.Agent.Rasters;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Interop.Gdal;

namespace EdgeJobs.Agent.Tools;

/// <summary>
/// <c>build</c>: a Cloud Optimized GeoTIFF through GDAL's COG driver (tiles, overviews, the IFD layout
/// the COG validator checks), with compression on every core and progress/stop through GDAL's callback; or, for a
/// vector file, vector tiles as <c>ogr2ogr -f MBTiles</c> writes them (MVT-encoded tiles in one SQLite file).
/// </summary>
public sealed class BuildRunner() : GdalAgentTool<BuildParams>(BuildTool.Instance)
{
    protected override void Run(ToolContext context, BuildParams p)
    {
        var input = InputFiles.Resolve(context, "$.params.path", p.Path);
        context.ReportProgress(0, "opening");
        if (BuildTool.IsVector(p.Path))
        {
            BuildVectorTiles(context, p, input);
            return;
        }

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

    private static void BuildVectorTiles(ToolContext context, BuildParams p, string input)
    {
        var file = Path.Combine(context.WorkDir, "result.mbtiles");
        var name = Path.GetFileNameWithoutExtension(p.Path) + ".mbtiles";
        context.TrackOutput(file, name);
        GdalDataset source;
        try
        {
            source = GdalDataset.OpenVector(input);
        }
        catch (GdalException e)
        {
            // Read over the network from the coordinator, a failure may pass; a file of the node's own will not change.
            var remote = input.StartsWith("/vsicurl/", StringComparison.Ordinal);
            throw new ToolFailure(remote ? "input_unavailable" : "bad_params", $"{p.Path} is not a vector file GDAL reads: {e.Message}", retryable: remote);
        }

        using (source)
        {
            using var tiles = GdalUtilities.VectorTranslate(file, source, VectorTileArgs(p), f => context.ReportProgress(100 * f, "tiling"), context.Cancellation);
        }

        context.Log($"built vector tiles of {p.Path}, zoom {p.MinZoom ?? 0} to {p.MaxZoom ?? DefaultMaxZoom}");
        OutputFiles.Deliver(context, file, BuildTool.Instance.OutputPath(context.ParamsJson), name);
    }

    /// <summary>GDAL's MVT writer's own default: zoom 5 is the most detailed level unless asked.</summary>
    private const int DefaultMaxZoom = 5;

    /// <summary>The <c>ogr2ogr</c> arguments for build's vector tiles, which its oracle runs too.</summary>
    public static IReadOnlyCollection<string> VectorTileArgs(BuildParams p) =>
    [
        "-f", "MBTiles",
        "-dsco", "MINZOOM=" + (p.MinZoom ?? 0).ToString(CultureInfo.InvariantCulture),
        "-dsco", "MAXZOOM=" + (p.MaxZoom ?? DefaultMaxZoom).ToString(CultureInfo.InvariantCulture),
        // The tileset's name in its metadata: the input's, not the work file's ("result").
        "-dsco", "NAME=" + Path.GetFileNameWithoutExtension(p.Path),
    ];

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
