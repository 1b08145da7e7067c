using System.Runtime.InteropServices;

namespace EdgeJobs.Coordinator;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>Start writeback of the range's dirty pages and return without waiting for it.</summary>
        internal const uint SYNC_FILE_RANGE_WRITE = 2;

        /// <summary>
        /// https://man7.org/linux/man-pages/man2/sync_file_range.2.html — not a durability guarantee by itself
        /// (no metadata, no disk cache flush); used to start writing an upload while it still arrives, so the
        /// fdatasync that seals it finds little left to do.
        /// </summary>
        [LibraryImport(Libraries.Libc, SetLastError = true)]
        internal static partial int sync_file_range(int fd, long offset, long nbytes, uint flags);
    }
}
