using System.Globalization;
using EdgeJobs.Agent.Rasters;
using EdgeJobs.Catalog.Paths;
using EdgeJobs.Catalog.Rasters;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Interop.Gdal;

namespace EdgeJobs.Agent.Tools;

/// <summary>
/// <c>raster-export</c>: band math, rescale and colour maps to a tiled GeoTIFF, strip by strip on every
/// core. Without any of them it is a plain copy to a tiled, compressed GeoTIFF, of every band or of the
/// bands selected (by <c>bands "4,3,2"</c> or a composite preset).
/// </summary>
public sealed class RasterExportRunner() : GdalAgentTool<RasterExportParams>(RasterExportTool.Instance)
{
    protected override void Run(ToolContext context, RasterExportParams p)
    {
        var input = InputFiles.Resolve(context, "$.params.path", p.Path);
        context.ReportProgress(0, "opening");
        var file = Path.Combine(context.WorkDir, "result.tif");
        var name = p.FileName is { } asked ? DownloadNames.Tiff(asked)
            : Path.GetFileNameWithoutExtension(p.Path) + (ExportRecipe.Resolve(p).Label is { } label ? "." + label : "") + ".tif";
        var tracked = context.TrackOutput(file, name);
        using (var source = GdalDataset.OpenRead(input))
        {
            var plan = ExportPlan.Create(p, source);
            if (plan.IsPlainCopy && plan.Selected)
            {
                // The bands selected, as gdal_translate -b copies them: types, nodata and georeferencing kept.
                List<string> args = ["-of", "GTiff", .. plan.ReadBands.SelectMany(b => new[] { "-b", b.ToString(CultureInfo.InvariantCulture) })];
                args.AddRange(GeoTiffOptions.Tiled(plan.OutputType, plan.OutputBands, p.Compression, context.RasterThreads).SelectMany(o => new[] { "-co", o }));
                using var copy = GdalUtilities.Translate(file, source, args, f => context.ReportProgress(100 * f, "copying"), context.Cancellation);
            }
            else if (plan.IsPlainCopy)
            {
                // GDAL's copy reports a fraction only: the output's bytes are tracked, its blocks are not.
                using var copy = GdalDataset.CreateCopy("GTiff", file, source, GeoTiffOptions.Tiled(plan.OutputType, plan.OutputBands, p.Compression, context.RasterThreads),
                    f => context.ReportProgress(100 * f, "copying"), context.Cancellation);
            }
            else
            {
                Compute(context, p, input, source, plan, file, tracked);
            }
        }

        OutputFiles.Deliver(context, file, RasterExportTool.Instance.OutputPath(context.ParamsJson), name);
    }

    /// <summary>The input's block height (its first band's, which GDAL's drivers give every band), for strips to keep to.</summary>
    private static int BlockRows(GdalDataset source)
    {
        using var band = source.GetBand(1);
        return Math.Max(1, band.BlockSize.Height);
    }

    private static void Compute(ToolContext context, RasterExportParams p, string input, GdalDataset source, ExportPlan plan, string file, ToolOutput tracked)
    {
        var (width, height) = (source.Width, source.Height);
        using (var output = GdalDataset.Create("GTiff", file, width, height, plan.OutputBands, plan.OutputType, GeoTiffOptions.Tiled(plan.OutputType, plan.OutputBands, p.Compression, context.RasterThreads)))
        {
            if (source.GeoTransform is { } transform)
            {
                output.SetGeoTransform(transform);
            }

            if (source.ProjectionWkt is { Length: > 0 } wkt)
            {
                output.SetProjection(wkt);
            }

            for (var b = 1; b <= plan.OutputBands; b++)
            {
                if (plan.OutputNoData(b - 1) is { } nodata)
                {
                    using var band = output.GetBand(b);
                    band.SetNoData(nodata);
                }
            }

            var gate = new Lock();
            try
            {
                StripPipeline.Run(height, plan.RowsPerStrip(width), context.RasterThreads,
                    () => new ExportWorker(input, plan, width),
                    (worker, y, rows) => worker.Process(y, rows, output, gate, context.Cancellation),
                    (done, strips) =>
                    {
                        tracked.SetBlocks(done, strips);
                        context.ReportProgress(95.0 * done / strips, "computing");
                    },
                    context.Cancellation, BlockRows(source));
            }
            catch (OperationCanceledException)
            {
                // Stopped: the file is thrown away, yet closing it would make GDAL write every block no strip
                // reached, filled with nodata: most of the raster (~1 GB for a 16000² float32 result, seconds
                // under load), after the stop. Without a nodata value it fills with zeros, which for an
                // uncompressed file is extending it, so the stop takes one strip as promised, not the raster.
                for (var b = 1; b <= plan.OutputBands; b++)
                {
                    using var band = output.GetBand(b);
                    band.TryDeleteNoData();
                }

                throw;
            }

            context.ReportProgress(95, "flushing");
        }

        context.Log($"exported {width}x{height} to {plan.OutputBands} {plan.OutputType} band(s)");
    }
}
