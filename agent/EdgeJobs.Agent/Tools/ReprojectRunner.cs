using System.Globalization;
using EdgeJobs.Agent.Rasters;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Interop.Gdal;

namespace EdgeJobs.Agent.Tools;

/// <summary><c>reproject</c>: gdalwarp to the target CRS and resolution on every core, written as a COG.</summary>
public sealed class ReprojectRunner() : GdalAgentTool<ReprojectParams>(ReprojectTool.Instance)
{
    /// <summary>
    /// How a warp uses its threads: the warp kernel computes each chunk on <paramref name="threads"/> threads, and
    /// the chunks are read, warped and written one after another on the calling thread. Not gdalwarp's -multi:
    /// it starts a new thread for every chunk, and each allocates that chunk's buffers (about 47 MB at the default
    /// -wm) in whichever glibc malloc arena it is given; thread churn (more of it when the CPU is contended)
    /// hands them fresh arenas, and an arena keeps a freed chunk because GDAL's own large frees have raised
    /// glibc's trim threshold above it. On 20,000² Byte inputs (RasterMemoryTests) `edgejobs up` peaked at
    /// 640-920 MB running align-raster with -multi (up to 16 arenas holding 47 MB each) and 310-340 MB without;
    /// reproject at 420-590 and 290-300 MB; in the same time, on two cores with and without other load.
    /// </summary>
    public static string[] WarpThreads(int threads) => ["-wo", "NUM_THREADS=" + threads.ToString(CultureInfo.InvariantCulture)];

    /// <summary>gdalwarp's arguments for the params; the warp itself, without the output format.</summary>
    public static List<string> WarpArguments(ReprojectParams p)
    {
        List<string> args = ["-t_srs", p.Crs.Trim(), "-r", p.Resampling];
        if (p.Resolution is { } resolution)
        {
            var r = resolution.ToString("R", CultureInfo.InvariantCulture);
            args.AddRange(["-tr", r, r]);
        }

        return args;
    }

    protected override void Run(ToolContext context, ReprojectParams p)
    {
        var input = InputFiles.Resolve(context, "$.params.path", p.Path);
        context.ReportProgress(0, "opening");
        var warped = Path.Combine(context.WorkDir, "warped.tif");
        var file = Path.Combine(context.WorkDir, "result.tif");
        var name = Path.GetFileNameWithoutExtension(p.Path) + ".warped.tif";
        context.TrackOutput(file, name); // the warp's intermediate file is not the output: its bytes do not count
        using (var source = GdalDataset.OpenRead(input))
        {
            // Warp to a plain tiled GeoTIFF, then lay it out as a COG with overviews.
            using var temp = GdalUtilities.Warp(warped, [source],
                [.. WarpArguments(p), "-of", "GTiff", "-co", "TILED=YES", .. WarpThreads(context.RasterThreads)],
                f => context.ReportProgress(80 * f, "warping"), context.Cancellation);
            using var cog = GdalDataset.CreateCopy("COG", file, temp, BuildRunner.DefaultOptions(context.RasterThreads), f => context.ReportProgress(80 + (20 * f), "writing"), context.Cancellation);
            context.Log($"warped {p.Path} to {p.Crs.Trim()}: {cog.Width}x{cog.Height}");
        }

        File.Delete(warped);
        OutputFiles.Deliver(context, file, ReprojectTool.Instance.OutputPath(context.ParamsJson), name);
    }
}
