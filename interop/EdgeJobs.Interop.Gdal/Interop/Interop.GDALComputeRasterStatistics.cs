using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

internal static partial class Interop
{
    internal static partial class Gdal
    {
        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv427GDALComputeRasterStatistics15GDALRasterBandHiPdPdPdPd16GDALProgressFuncPv</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static unsafe partial int GDALComputeRasterStatistics(IntPtr band, int approxOk, double* min, double* max, double* mean, double* stdDev,
            delegate* unmanaged<double, IntPtr, IntPtr, int> progress, IntPtr progressData);
    }
}
