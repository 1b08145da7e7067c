using System.Runtime.InteropServices;

namespace EdgeJobs.Coordinator;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int O_WRONLY = 1;
        internal const int O_CLOEXEC = 0x80000;

        /// <summary>
        /// O_DIRECT where its value is known: 0x4000 on x86 (asm-generic's), 0x10000 on arm and arm64. Null elsewhere
        /// (on some architectures 0x10000 is O_DIRECTORY or O_LARGEFILE): no direct I/O there.
        /// </summary>
        internal static int? O_DIRECT => RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 or Architecture.X86 => 0x4000,
            Architecture.Arm64 or Architecture.Arm => 0x10000,
            _ => null,
        };

        /// <summary>
        /// https://man7.org/linux/man-pages/man2/open.2.html — here only to open a file that exists with O_DIRECT, which
        /// .NET's FileStream cannot ask for (its FileOptions have no such flag), so no mode argument. The fd, or -1 and errno
        /// (EINVAL where the file system has no direct I/O).
        /// </summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int open(string pathname, int flags);
    }
}
