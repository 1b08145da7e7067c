using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

/// <summary>What a raster's CRS is called and where it lies on the globe, through OSR (PROJ).</summary>
public static class GdalCrs
{
    private const int TraditionalGisOrder = 0;
    private const int DensifyPoints = 21; // GDAL's own default for gdalinfo's WGS84 extent

    /// <summary>The CRS as <c>AUTHORITY:CODE</c> (e.g. <c>EPSG:32633</c>) when it is recognised; null otherwise or for no CRS.</summary>
    public static string? AuthorityCode(string wkt)
    {
        if (string.IsNullOrEmpty(wkt))
        {
            return null;
        }

        GdalLibrary.EnsureLoaded();
        using var srs = Interop.Gdal.OSRNewSpatialReference(wkt);
        if (srs.IsInvalid)
        {
            return null;
        }

        if (Interop.Gdal.OSRGetAuthorityCode(srs, null) == IntPtr.Zero)
        {
            _ = Interop.Gdal.OSRAutoIdentifyEPSG(srs);
        }

        var name = Marshal.PtrToStringUTF8(Interop.Gdal.OSRGetAuthorityName(srs, null));
        var code = Marshal.PtrToStringUTF8(Interop.Gdal.OSRGetAuthorityCode(srs, null));
        Interop.Cpl.CPLErrorReset();
        return name is null || code is null ? null : $"{name}:{code}";
    }

    /// <summary>
    /// A box in the CRS of <paramref name="wkt"/> as [west, south, east, north] in EPSG:4326 longitude/latitude, its
    /// edges densified so a projected box's curved sides are covered; null when there is no CRS or no transformation.
    /// </summary>
    public static double[]? BoundsInWgs84(string wkt, double minX, double minY, double maxX, double maxY)
    {
        if (string.IsNullOrEmpty(wkt))
        {
            return null;
        }

        GdalLibrary.EnsureLoaded();
        using var source = Interop.Gdal.OSRNewSpatialReference(wkt);
        using var target = Interop.Gdal.OSRNewSpatialReference(null);
        if (source.IsInvalid || target.IsInvalid || Interop.Gdal.OSRImportFromEPSG(target, 4326) != 0)
        {
            Interop.Cpl.CPLErrorReset();
            return null;
        }

        Interop.Gdal.OSRSetAxisMappingStrategy(source, TraditionalGisOrder);
        Interop.Gdal.OSRSetAxisMappingStrategy(target, TraditionalGisOrder);
        using var transformation = Interop.Gdal.OCTNewCoordinateTransformation(source, target);
        if (transformation.IsInvalid
            || Interop.Gdal.OCTTransformBounds(transformation, minX, minY, maxX, maxY, out var west, out var south, out var east, out var north, DensifyPoints) == 0)
        {
            Interop.Cpl.CPLErrorReset();
            return null;
        }

        return [west, south, east, north];
    }
}
