using System.Runtime.InteropServices;

namespace EdgeJobs.Agent.Tools.Exec;

/// <summary>
/// The C library calls exec tools need that .NET lacks: signalling a whole process group. Named apart from an
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
}
