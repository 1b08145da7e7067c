using EdgeJobs.Agent.Rasters;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Interop.Gdal;

namespace EdgeJobs.Agent.Tools;

/// <summary>
/// <c>merge-multispectral</c>: a separate-bands virtual raster over the inputs (gdalbuildvrt -separate,
/// no pixels copied), written once as a COG. The first input's pixel type wins, as in gdal_merge.py.
/// </summary>
public sealed class MergeMultispectralRunner() : GdalAgentTool<MergeMultispectralParams>(MergeMultispectralTool.Instance)
{
    protected override void Run(ToolContext context, MergeMultispectralParams p)
    {
        context.ReportProgress(0, "opening");
        var sources = RasterInputs.OpenSingleBand(context, p.Paths, "merge-multispectral takes single-band rasters");
        var file = Path.Combine(context.WorkDir, "result.tif");
        var name = Path.GetFileNameWithoutExtension(p.Paths[0]) + ".stack.tif";
        context.TrackOutput(file, name);
        try
        {
            using var stack = GdalUtilities.BuildVrt(Path.Combine(context.WorkDir, "stack.vrt"), sources, ["-separate"]);
            using var cog = GdalDataset.CreateCopy("COG", file, stack, BuildRunner.DefaultOptions(context.RasterThreads), f => context.ReportProgress(100 * f, "merging"), context.Cancellation);
        }
        finally
        {
            RasterInputs.Dispose(sources);
        }

        context.Log($"stacked {p.Paths.Length} bands");
        OutputFiles.Deliver(context, file, MergeMultispectralTool.Instance.OutputPath(context.ParamsJson), name);
    }
}
