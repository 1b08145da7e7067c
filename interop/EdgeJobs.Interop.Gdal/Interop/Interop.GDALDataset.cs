using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

internal static partial class Interop
{
    internal static partial class Gdal
    {
        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv418GDALGetRasterXSize12GDALDatasetH</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial int GDALGetRasterXSize(SafeGdalDatasetHandle dataset);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv418GDALGetRasterYSize12GDALDatasetH</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial int GDALGetRasterYSize(SafeGdalDatasetHandle dataset);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv418GDALGetRasterCount12GDALDatasetH</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial int GDALGetRasterCount(SafeGdalDatasetHandle dataset);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv419GDALGetGeoTransform12GDALDatasetHPd</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static unsafe partial int GDALGetGeoTransform(SafeGdalDatasetHandle dataset, double* transform);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv420GDALGetProjectionRef12GDALDatasetH (owned by the dataset)</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial IntPtr GDALGetProjectionRef(SafeGdalDatasetHandle dataset);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv421GDALGetDatasetDriver12GDALDatasetH</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial IntPtr GDALGetDatasetDriver(SafeGdalDatasetHandle dataset);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv421GDALGetDriverShortName11GDALDriverH</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial IntPtr GDALGetDriverShortName(IntPtr driver);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv415GDALGetMetadata12GDALMajorObjectHPKc (owned by GDAL)</summary>
        [LibraryImport(Libraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial IntPtr GDALGetMetadata(SafeGdalDatasetHandle dataset, string? domain);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv419GDALSetMetadataItem12GDALMajorObjectHPKcPKcPKc</summary>
        [LibraryImport(Libraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int GDALSetMetadataItem(SafeGdalDatasetHandle dataset, string name, string value, string? domain);
    }
}
