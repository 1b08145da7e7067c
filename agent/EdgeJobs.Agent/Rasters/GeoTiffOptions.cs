using EdgeJobs.Interop.Gdal;

namespace EdgeJobs.Agent.Rasters;

/// <summary>Creation options of the GeoTIFFs the tools write.</summary>
internal static class GeoTiffOptions
{
    /// <summary>
    /// 256×256 tiles, ZSTD at its fastest level with the predictor that suits the type (floating-point
    /// for floats, horizontal differencing for integers), compressed on every core, BigTIFF when needed.
    /// Three or four Byte bands are marked RGB(A).
    /// </summary>
    public static IReadOnlyCollection<string> Tiled(GdalDataType type, int bands)
    {
        List<string> options =
        [
            "TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256",
            "COMPRESS=ZSTD", "ZSTD_LEVEL=1", type is GdalDataType.Float32 or GdalDataType.Float64 ? "PREDICTOR=3" : "PREDICTOR=2",
            "NUM_THREADS=ALL_CPUS", "BIGTIFF=IF_SAFER",
        ];
        if (type == GdalDataType.Byte && bands is 3 or 4)
        {
            options.Add("PHOTOMETRIC=RGB");
            if (bands == 4)
            {
                options.Add("ALPHA=YES");
            }
        }

        return options;
    }
}
