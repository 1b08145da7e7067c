using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

internal static partial class Interop
{
    internal static partial class Gdal
    {
        internal const uint GDAL_OF_READONLY = 0x00;
        internal const uint GDAL_OF_RASTER = 0x02;
        internal const uint GDAL_OF_VECTOR = 0x04;
        internal const uint GDAL_OF_VERBOSE_ERROR = 0x40;

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv410GDALOpenExPKcjPPCKcPPCKcPPCKc</summary>
        [LibraryImport(Libraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial SafeGdalDatasetHandle GDALOpenEx(string filename, uint openFlags, IntPtr allowedDrivers, IntPtr openOptions, IntPtr siblingFiles);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv49GDALClose12GDALDatasetH</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial int GDALClose(IntPtr dataset);
    }
}
