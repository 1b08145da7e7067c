using System.Globalization;
using EdgeJobs.Agent.Alignment;
using EdgeJobs.Agent.Rasters;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Interop.Gdal;

namespace EdgeJobs.Agent.Tools;

/// <summary>
/// <c>align-raster</c>: registers the source to the reference on a central region of one band (bounded
/// memory whatever the size), then gives the source the geotransform that undoes the estimated motion
/// and warps it onto the reference grid (cubic), as a COG. The estimate goes into the log and the COG's
/// metadata (EDGEJOBS_ALIGN_*): reference pixel p is at scale·R(angle)·(p − center) + center + (dx, dy) in the source.
/// </summary>
public sealed class AlignRasterRunner() : GdalAgentTool<AlignRasterParams>(AlignRasterTool.Instance)
{
    /// <summary>At most this many pixels a side are read from each raster to estimate the alignment.</summary>
    private const int MaxRegion = 2048;

    /// <summary>Largest phase-correlation window.</summary>
    private const int MaxWindow = 512;

    protected override void Run(ToolContext context, AlignRasterParams p)
    {
        var sourcePath = InputFiles.Resolve(context, "$.params.source_path", p.SourcePath);
        var referencePath = InputFiles.Resolve(context, "$.params.reference_path", p.ReferencePath);
        context.ReportProgress(0, "reading");
        var file = Path.Combine(context.WorkDir, "result.tif");
        var artifactName = Path.GetFileNameWithoutExtension(p.SourcePath) + ".aligned.tif";
        context.TrackOutput(file, artifactName);
        using (var reference = GdalDataset.OpenRead(referencePath))
        using (var source = GdalDataset.OpenRead(sourcePath))
        {
            var g = reference.GeoTransform is { } t && t[2] == 0 && t[4] == 0
                ? t
                : throw new ToolFailure("bad_params", $"{p.ReferencePath} needs a north-up georeferencing (a geotransform without rotation) to align to", retryable: false);
            // The estimate is made in pixels: rasters of very different resolution would need a reprojection first.
            if (source.GeoTransform is { } sg && Math.Abs((Math.Abs(sg[1]) / Math.Abs(g[1])) - 1) > 0.25)
            {
                throw new ToolFailure("bad_params", string.Create(CultureInfo.InvariantCulture,
                    $"the pixel sizes differ too much to align in pixel space ({Math.Abs(sg[1]):G6} vs {Math.Abs(g[1]):G6}): reproject {p.SourcePath} to the reference's resolution first"), retryable: false);
            }

            if (source.ProjectionWkt is { Length: > 0 } sourceWkt && reference.ProjectionWkt is { Length: > 0 } referenceWkt && sourceWkt != referenceWkt)
            {
                context.Log("the rasters' CRS definitions differ; the result takes the reference's CRS and grid");
            }

            foreach (var (dataset, name) in new[] { (reference, p.ReferencePath), (source, p.SourcePath) })
            {
                if (p.Band > dataset.BandCount)
                {
                    throw new ToolFailure("bad_params", $"band {p.Band} does not exist: {name} has {dataset.BandCount}", retryable: false);
                }
            }

            var width = Math.Min(Math.Min(reference.Width, source.Width), MaxRegion);
            var height = Math.Min(Math.Min(reference.Height, source.Height), MaxRegion);
            var window = 1 << (int)Math.Log2(Math.Min(Math.Min(width, height) - 8, MaxWindow));
            if (window < 64)
            {
                throw new ToolFailure("bad_params", $"the rasters overlap in {width}x{height} pixels; alignment needs at least 72x72", retryable: false);
            }

            var (ox, oy) = ((reference.Width - width) / 2, (reference.Height - height) / 2);
            var estimate = ImageRegistration.Register(ReadRegion(reference, p.Band, ox, oy, width, height), ReadRegion(source, p.Band, ox, oy, width, height),
                window, p.Mode == "similarity", context.Cancellation);
            var m = estimate.Transform with { CenterX = estimate.Transform.CenterX + ox, CenterY = estimate.Transform.CenterY + oy };
            context.Log(string.Create(CultureInfo.InvariantCulture,
                $"{p.Mode}: rotation {m.AngleDegrees:F4} deg, scale {m.Scale:F5}, shift ({m.Dx:F3}, {m.Dy:F3}) px; NCC {estimate.NccBefore:F4} -> {estimate.Ncc:F4}"));
            context.ReportProgress(40, "warping");

            // The source's new geotransform: reference pixel p is at M p in the source, so source pixel q sits at G(M⁻¹ q).
            using var moved = GdalUtilities.Translate(Path.Combine(context.WorkDir, "moved.vrt"), source, ["-of", "VRT"], null, context.Cancellation);
            moved.SetGeoTransform(ComposeWithInverse(g, m));
            if (reference.ProjectionWkt is { Length: > 0 } wkt)
            {
                moved.SetProjection(wkt);
            }

            var te = new[] { g[0], g[3] + (g[5] * reference.Height), g[0] + (g[1] * reference.Width), g[3] }.Select(v => v.ToString("R", CultureInfo.InvariantCulture));
            using var aligned = GdalUtilities.Warp(Path.Combine(context.WorkDir, "aligned.tif"), [moved],
                ["-of", "GTiff", "-co", "TILED=YES", "-r", "cubic", "-te", .. te, "-ts", reference.Width.ToString(CultureInfo.InvariantCulture), reference.Height.ToString(CultureInfo.InvariantCulture),
                 .. ReprojectRunner.WarpThreads(context.RasterThreads)],
                f => context.ReportProgress(40 + (40 * f), "warping"), context.Cancellation);
            foreach (var (key, value) in new (string, double)[]
            {
                ("ANGLE_DEG", m.AngleDegrees), ("SCALE", m.Scale), ("DX_PX", m.Dx), ("DY_PX", m.Dy), ("CENTER_X_PX", m.CenterX), ("CENTER_Y_PX", m.CenterY), ("NCC_BEFORE", estimate.NccBefore), ("NCC_AFTER", estimate.Ncc),
            })
            {
                aligned.SetMetadataItem("EDGEJOBS_ALIGN_" + key, value.ToString("R", CultureInfo.InvariantCulture));
            }

            aligned.SetMetadataItem("EDGEJOBS_ALIGN_MODE", p.Mode);
            using var cog = GdalDataset.CreateCopy("COG", file, aligned, BuildRunner.DefaultOptions(context.RasterThreads), f => context.ReportProgress(80 + (20 * f), "writing"), context.Cancellation);
        }

        OutputFiles.Deliver(context, file, AlignRasterTool.Instance.OutputPath(context.ParamsJson), artifactName);
    }

    /// <summary>Band <paramref name="band"/> of a region as float, nodata as NaN.</summary>
    private static Image ReadRegion(GdalDataset dataset, int band, int x, int y, int width, int height)
    {
        using var b = dataset.GetBand(band);
        var pixels = new float[width * height];
        b.Read<float>(x, y, width, height, pixels);
        if (b.NoData is { } nodata)
        {
            var nd = (float)nodata;
            for (var i = 0; i < pixels.Length; i++)
            {
                if (pixels[i] == nd)
                {
                    pixels[i] = float.NaN;
                }
            }
        }

        return new Image(pixels, width, height);
    }

    /// <summary>The geotransform G ∘ M⁻¹ (pixel q → world), for G a geotransform and M a similarity in pixel space.</summary>
    public static double[] ComposeWithInverse(double[] g, SimilarityTransform m)
    {
        // M⁻¹ is affine: its translation is where the origin goes, its columns where the unit steps go.
        var (cx, cy) = m.Invert(0, 0);
        var (ax, ay) = m.Invert(1, 0);
        var (bx, by) = m.Invert(0, 1);
        var (ia, ib, ic, id, ie, @if) = (ax - cx, bx - cx, cx, ay - cy, by - cy, cy);
        return
        [
            g[0] + (g[1] * ic) + (g[2] * @if), (g[1] * ia) + (g[2] * id), (g[1] * ib) + (g[2] * ie),
            g[3] + (g[4] * ic) + (g[5] * @if), (g[4] * ia) + (g[5] * id), (g[4] * ib) + (g[5] * ie),
        ];
    }
}
