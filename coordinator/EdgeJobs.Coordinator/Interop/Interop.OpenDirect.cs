using System.Runtime.InteropServices;

namespace EdgeJobs.Coordinator;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int O_WRONLY = 1;
        internal const int O_CLOEXEC = 0x80000;

        /// <summary>O_DIRECT, whose value differs by architecture (asm-generic and arm64: 0x10000; x86: 0x4000).</summary>
        internal static int O_DIRECT => RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 ? 0x4000 : 0x10000;

        /// <summary>
        /// https://man7.org/linux/man-pages/man2/open.2.html — here only to open a file that exists with O_DIRECT, which
        /// .NET's FileStream cannot ask for (its FileOptions have no such flag), so no mode argument. The fd, or -1 and errno
        /// (EINVAL where the file system has no direct I/O, as tmpfs).
        /// </summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int open(string pathname, int flags);
    }
}
