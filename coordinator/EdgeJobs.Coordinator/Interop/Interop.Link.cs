using System.Runtime.InteropServices;

namespace EdgeJobs.Coordinator;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>
        /// https://man7.org/linux/man-pages/man2/link.2.html — a second name for a file (.NET has symbolic links only).
        /// -1 and errno on failure (EEXIST when <paramref name="newpath"/> exists, EXDEV across file systems).
        /// </summary>
        [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int link(string oldpath, string newpath);
    }
}
