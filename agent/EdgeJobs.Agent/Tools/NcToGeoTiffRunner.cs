using System.Globalization;
using EdgeJobs.Agent.Rasters;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Interop.Gdal;

namespace EdgeJobs.Agent.Tools;

/// <summary><c>nc-to-geotiff</c>: gdal_translate of a NetCDF variable's subdataset (one time step with -b) to a tiled GeoTIFF.</summary>
public sealed class NcToGeoTiffRunner() : GdalAgentTool<NcToGeoTiffParams>(NcToGeoTiffTool.Instance)
{
    protected override void Run(ToolContext context, NcToGeoTiffParams p)
    {
        // A file of the data root; a NetCDF file over HTTP, read by byte ranges (/vsicurl/); or an OPeNDAP dataset, read
        // by the netCDF library's DAP client (the coordinator let the job name only hosts on its --input-url-allow).
        var (input, shown) = p.Url is { } url
            ? (p.Opendap ? url : "/vsicurl/" + url, url)
            : (InputFiles.Resolve(context, "$.params.path", p.Path!), p.Path!);
        context.ReportProgress(0, p.Url is null ? "opening" : "opening over the network");
        var file = Path.Combine(context.WorkDir, "result.tif");
        var stem = Path.GetFileNameWithoutExtension(p.Url is { } u ? Uri.UnescapeDataString(new Uri(u).AbsolutePath) : p.Path!);
        var name = $"{(stem.Length > 0 ? stem : "netcdf")}.{p.Variable}{(p.TimeIndex is { } i ? "." + i.ToString(CultureInfo.InvariantCulture) : "")}.tif";
        context.TrackOutput(file, name);
        GdalDataset source;
        try
        {
            source = GdalDataset.OpenRead($"NETCDF:\"{input}\":{p.Variable}");
        }
        catch (GdalException e)
        {
            // Over the network, the server may be down or slow: worth another attempt. A file here will not change.
            throw p.Url is null
                ? new ToolFailure("bad_params", $"{shown} has no variable '{p.Variable}' GDAL can read as a raster: {e.Message}", retryable: false)
                : new ToolFailure("input_unavailable", $"{shown}: no variable '{p.Variable}' could be read as a raster{(p.Opendap ? " over OPeNDAP" : "")}: {e.Message}", retryable: true);
        }

        using (source)
        {
            GdalDataType type;
            using (var band = source.GetBand(1))
            {
                type = band.Type;
            }

            // The variable's own type: CF data is often packed into integers (scale_factor/add_offset kept as metadata).
            List<string> args = ["-of", "GTiff", .. GeoTiffOptions.Tiled(type, 1, "zstd", context.RasterThreads).SelectMany(o => new[] { "-co", o })];
            if (p.TimeIndex is { } t)
            {
                if (t >= source.BandCount)
                {
                    throw new ToolFailure("bad_params", $"time_index {t} is past the end: '{p.Variable}' has {source.BandCount} time steps (0..{source.BandCount - 1})", retryable: false);
                }

                args.AddRange(["-b", (t + 1).ToString(CultureInfo.InvariantCulture)]);
            }

            if (AssumesWgs84(source))
            {
                // CF: latitude/longitude axes without a grid_mapping are geographic coordinates; GDAL leaves
                // the CRS empty, which most GIS then refuse to place. Say what is assumed.
                args.AddRange(["-a_srs", "EPSG:4326"]);
                context.Log($"{p.Variable} has latitude/longitude axes and no grid_mapping: assuming WGS 84 (EPSG:4326)");
            }

            using var output = GdalUtilities.Translate(file, source, args, f => context.ReportProgress(100 * f, "converting"), context.Cancellation);
            context.Log($"{p.Variable}: {output.BandCount} band(s) of {output.Width}x{output.Height}");
        }

        OutputFiles.Deliver(context, file, NcToGeoTiffTool.Instance.OutputPath(context.ParamsJson), name);
    }

    /// <summary>A georeferenced variable without a CRS whose axes are in degrees north and east.</summary>
    private static bool AssumesWgs84(GdalDataset source)
    {
        if (source.ProjectionWkt.Length > 0 || source.GeoTransform is null)
        {
            return false;
        }

        var units = source.Metadata.Where(m => m.Key.EndsWith("#units", StringComparison.Ordinal)).Select(m => m.Value.Trim().ToLowerInvariant()).ToHashSet();
        return units.Overlaps(["degrees_north", "degree_north", "degrees_n"]) && units.Overlaps(["degrees_east", "degree_east", "degrees_e"]);
    }
}
