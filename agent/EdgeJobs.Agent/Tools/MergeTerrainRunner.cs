using System.Globalization;
using EdgeJobs.Agent.Rasters;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Interop.Gdal;

namespace EdgeJobs.Agent.Tools;

/// <summary>
/// <c>merge-terrain</c>: a mosaic of the DEMs (gdalbuildvrt, later inputs on top), written as a COG, or
/// its hillshade or slope through gdaldem first.
/// </summary>
public sealed class MergeTerrainRunner() : GdalAgentTool<MergeTerrainParams>(MergeTerrainTool.Instance)
{
    /// <summary>gdaldem's processing and arguments for the params; null for the plain mosaic.</summary>
    public static (string Processing, List<string> Args)? DemArguments(MergeTerrainParams p)
    {
        var scale = p.Scale.ToString("R", CultureInfo.InvariantCulture);
        return p.Hillshade ? ("hillshade", ["-z", p.ZFactor.ToString("R", CultureInfo.InvariantCulture), "-s", scale])
            : p.Slope ? ("slope", ["-s", scale])
            : null;
    }

    protected override void Run(ToolContext context, MergeTerrainParams p)
    {
        context.ReportProgress(0, "opening");
        var sources = RasterInputs.OpenSingleBand(context, p.Paths, "merge-terrain takes single-band elevation rasters");
        var file = Path.Combine(context.WorkDir, "result.tif");
        var product = DemArguments(p)?.Processing ?? "mosaic";
        var name = $"{Path.GetFileNameWithoutExtension(p.Paths[0])}.{product}.tif";
        context.TrackOutput(file, name);
        try
        {
            using var mosaic = GdalUtilities.BuildVrt(Path.Combine(context.WorkDir, "mosaic.vrt"), sources, []);
            if (DemArguments(p) is var (processing, args))
            {
                var derived = Path.Combine(context.WorkDir, processing + ".tif");
                using var dem = GdalUtilities.DemProcessing(derived, mosaic, processing, ["-of", "GTiff", "-co", "TILED=YES", .. args],
                    f => context.ReportProgress(70 * f, processing), context.Cancellation);
                using var cog = GdalDataset.CreateCopy("COG", file, dem, BuildRunner.DefaultOptions(context.RasterThreads), f => context.ReportProgress(70 + (30 * f), "writing"), context.Cancellation);
            }
            else
            {
                using var cog = GdalDataset.CreateCopy("COG", file, mosaic, BuildRunner.DefaultOptions(context.RasterThreads), f => context.ReportProgress(100 * f, "mosaicking"), context.Cancellation);
            }
        }
        finally
        {
            RasterInputs.Dispose(sources);
        }

        context.Log($"{product} of {p.Paths.Length} DEM(s)");
        OutputFiles.Deliver(context, file, MergeTerrainTool.Instance.OutputPath(context.ParamsJson), name);
    }
}
