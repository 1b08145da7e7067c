using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

internal static partial class Interop
{
    internal static partial class Gdal
    {
        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv414GDALCreateCopy11GDALDriverHPKc12GDALDatasetHi12CSLConstList16GDALProgressFuncPv</summary>
        [LibraryImport(Libraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial SafeGdalDatasetHandle GDALCreateCopy(IntPtr driver, string filename, SafeGdalDatasetHandle source, int strict, IntPtr options,
            delegate* unmanaged<double, IntPtr, IntPtr, int> progress, IntPtr progressData);
    }
}
