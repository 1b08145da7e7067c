using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

internal static partial class Interop
{
    internal static partial class Gdal
    {
        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv415GDALAllRegisterv</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial void GDALAllRegister();

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv415GDALVersionInfoPKc (returns a static string)</summary>
        [LibraryImport(Libraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial IntPtr GDALVersionInfo(string request);
    }
}
