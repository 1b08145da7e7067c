using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

internal static partial class Interop
{
    internal static partial class Cpl
    {
        /// <summary>https://gdal.org/api/cpl.html#_CPPv418CPLSetConfigOptionPKcPKc (process-wide)</summary>
        [LibraryImport(Libraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial void CPLSetConfigOption(string key, string? value);

        /// <summary>https://gdal.org/api/cpl.html#_CPPv418CPLGetConfigOptionPKcPKc (owned by GDAL)</summary>
        [LibraryImport(Libraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial IntPtr CPLGetConfigOption(string key, string? defaultValue);
    }
}
