using System.Runtime.InteropServices;

namespace EdgeJobs.Agent.Tools.Exec;

/// <summary>
/// The C library calls exec tools need that .NET lacks: signalling a whole process group, and reading /proc without
/// a FileStream. Named apart from an
/// <c>Interop</c> class, which would hide the <c>EdgeJobs.Interop</c> namespace (GDAL's) inside the agent. The
/// published agent binds "libc" at link time (<c>DirectPInvoke</c> in its Host's project).
/// </summary>
internal static partial class ExecInterop
{
    internal const int SIGTERM = 15;
    internal const int SIGKILL = 9;

    /// <summary>No such process (or process group).</summary>
    internal const int ESRCH = 3;

    /// <summary>
    /// <c>kill(2)</c>; a negative <paramref name="pid"/> signals every process of group -pid.
    /// https://man7.org/linux/man-pages/man2/kill.2.html
    /// </summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static partial int kill(int pid, int sig);

    private const int O_RDONLY = 0;
    private const int O_CLOEXEC = 0x80000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint read(int fd, ref byte buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int close(int fd);

    /// <summary>
    /// Reads what fits of a small file (a /proc entry) into <paramref name="buffer"/> with one read(2): the bytes read, or -1
    /// when it cannot be opened (the process ended). Without a FileStream, a SafeHandle and a decoder: /proc is read for
    /// every process at each run's end.
    /// </summary>
    internal static int ReadSmallFile(string path, Span<byte> buffer)
    {
        var fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
        {
            return -1;
        }

        try
        {
            return (int)read(fd, ref System.Runtime.InteropServices.MemoryMarshal.GetReference(buffer), buffer.Length);
        }
        finally
        {
            _ = close(fd);
        }
    }
}
