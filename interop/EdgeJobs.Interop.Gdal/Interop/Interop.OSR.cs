using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

internal static partial class Interop
{
    internal static partial class Gdal
    {
        /// <summary>https://gdal.org/api/ogr_srs_api.html#_CPPv423OSRNewSpatialReferencePKc (WKT, or null for an empty one)</summary>
        [LibraryImport(Libraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial SafeSpatialReferenceHandle OSRNewSpatialReference(string? wkt);

        /// <summary>https://gdal.org/api/ogr_srs_api.html#_CPPv427OSRDestroySpatialReference20OGRSpatialReferenceH</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial void OSRDestroySpatialReference(IntPtr srs);

        /// <summary>https://gdal.org/api/ogr_srs_api.html#_CPPv417OSRImportFromEPSG20OGRSpatialReferenceHi (OGRERR_NONE = 0)</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial int OSRImportFromEPSG(SafeSpatialReferenceHandle srs, int code);

        /// <summary>https://gdal.org/api/ogr_srs_api.html#_CPPv425OSRSetAxisMappingStrategy20OGRSpatialReferenceH22OSRAxisMappingStrategy (0: traditional GIS order, x = longitude)</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial void OSRSetAxisMappingStrategy(SafeSpatialReferenceHandle srs, int strategy);

        /// <summary>https://gdal.org/api/ogr_srs_api.html#_CPPv419OSRAutoIdentifyEPSG20OGRSpatialReferenceH (fills in an EPSG code it recognises)</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial int OSRAutoIdentifyEPSG(SafeSpatialReferenceHandle srs);

        /// <summary>https://gdal.org/api/ogr_srs_api.html#_CPPv419OSRGetAuthorityName20OGRSpatialReferenceHPKc (owned by the SRS; null target: the root)</summary>
        [LibraryImport(Libraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial IntPtr OSRGetAuthorityName(SafeSpatialReferenceHandle srs, string? target);

        /// <summary>https://gdal.org/api/ogr_srs_api.html#_CPPv419OSRGetAuthorityCode20OGRSpatialReferenceHPKc (owned by the SRS)</summary>
        [LibraryImport(Libraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial IntPtr OSRGetAuthorityCode(SafeSpatialReferenceHandle srs, string? target);

        /// <summary>https://gdal.org/api/ogr_srs_api.html#_CPPv430OCTNewCoordinateTransformation20OGRSpatialReferenceH20OGRSpatialReferenceH (null when impossible)</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial SafeCoordinateTransformationHandle OCTNewCoordinateTransformation(SafeSpatialReferenceHandle source, SafeSpatialReferenceHandle target);

        /// <summary>https://gdal.org/api/ogr_srs_api.html#_CPPv434OCTDestroyCoordinateTransformation28OGRCoordinateTransformationH</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial void OCTDestroyCoordinateTransformation(IntPtr transformation);

        /// <summary>
        /// https://gdal.org/api/ogr_srs_api.html#_CPPv418OCTTransformBounds28OGRCoordinateTransformationHKdKdKdKdPdPdPdPdKi
        /// (GDAL 3.4+): a box through the transformation, its edges densified, so curved edges are covered. TRUE on success.
        /// </summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial int OCTTransformBounds(SafeCoordinateTransformationHandle transformation, double xmin, double ymin, double xmax, double ymax,
            out double outXmin, out double outYmin, out double outXmax, out double outYmax, int densifyPoints);
    }
}
