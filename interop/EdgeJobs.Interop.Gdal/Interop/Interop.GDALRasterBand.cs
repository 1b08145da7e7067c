using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

internal static partial class Interop
{
    internal static partial class Gdal
    {
        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv417GDALGetRasterBand12GDALDatasetHi (owned by the dataset)</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial IntPtr GDALGetRasterBand(SafeGdalDatasetHandle dataset, int band);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv421GDALGetRasterDataType15GDALRasterBandH</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial int GDALGetRasterDataType(IntPtr band);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv419GDALGetDataTypeName12GDALDataType (static string)</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial IntPtr GDALGetDataTypeName(int dataType);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv425GDALGetRasterNoDataValue15GDALRasterBandHPi</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static unsafe partial double GDALGetRasterNoDataValue(IntPtr band, int* hasNoData);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv420GDALGetOverviewCount15GDALRasterBandH</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial int GDALGetOverviewCount(IntPtr band);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv415GDALGetOverview15GDALRasterBandHi (owned by the band)</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial IntPtr GDALGetOverview(IntPtr band, int overview);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv422GDALGetRasterBandXSize15GDALRasterBandH</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial int GDALGetRasterBandXSize(IntPtr band);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv423GDALGetRasterStatistics15GDALRasterBandHiiPdPdPdPd</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static unsafe partial int GDALGetRasterStatistics(IntPtr band, int approxOk, int force, double* min, double* max, double* mean, double* stdDev);
    }
}
