using System.Runtime.InteropServices;

namespace EdgeJobs.Coordinator;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>https://man7.org/linux/man-pages/man2/fdatasync.2.html (-1 and errno on failure; EINTR is the caller's to retry)</summary>
        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int fdatasync(int fd);
    }
}
