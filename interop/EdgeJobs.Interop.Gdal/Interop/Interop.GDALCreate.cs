using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

internal static partial class Interop
{
    internal static partial class Gdal
    {
        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv419GDALGetDriverByNamePKc (owned by GDAL)</summary>
        [LibraryImport(Libraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial IntPtr GDALGetDriverByName(string name);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv410GDALCreate11GDALDriverHPKciii12GDALDataType12CSLConstList</summary>
        [LibraryImport(Libraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial SafeGdalDatasetHandle GDALCreate(IntPtr driver, string filename, int xSize, int ySize, int bands, int dataType, IntPtr options);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv419GDALSetGeoTransform12GDALDatasetHPd</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static unsafe partial int GDALSetGeoTransform(SafeGdalDatasetHandle dataset, double* transform);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv417GDALSetProjection12GDALDatasetHPKc</summary>
        [LibraryImport(Libraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int GDALSetProjection(SafeGdalDatasetHandle dataset, string wkt);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv425GDALSetRasterNoDataValue15GDALRasterBandHd</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial int GDALSetRasterNoDataValue(IntPtr band, double value);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv428GDALDeleteRasterNoDataValue15GDALRasterBandH</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial int GDALDeleteRasterNoDataValue(IntPtr band);
    }
}
