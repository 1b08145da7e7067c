using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

internal static partial class Interop
{
    internal static partial class Cpl
    {
        /// <summary>https://gdal.org/api/cpl.html#_CPPv417CPLGetLastErrorNov (thread-local)</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial int CPLGetLastErrorNo();

        /// <summary>https://gdal.org/api/cpl.html#_CPPv418CPLGetLastErrorMsgv (thread-local, owned by CPL)</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial IntPtr CPLGetLastErrorMsg();

        /// <summary>https://gdal.org/api/cpl.html#_CPPv413CPLErrorResetv</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial void CPLErrorReset();

        /// <summary>https://gdal.org/api/cpl.html#_CPPv418CPLSetErrorHandler15CPLErrorHandler (the previous handler)</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static partial IntPtr CPLSetErrorHandler(IntPtr handler);
    }
}
