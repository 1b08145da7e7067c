using System.Runtime.InteropServices;

namespace EdgeJobs.Coordinator.Artifacts;

/// <summary>
/// A second name for a file that is already on disk (an artifact that becomes a dataset entry or a recipe output):
/// a hard link, no copy; or, across file systems (or where hard links are refused), a copy synced to the disk, which is
/// the same file for what follows.
/// </summary>
internal static class SecondNames
{
    /// <summary>Gives <paramref name="source"/> the name <paramref name="target"/> (which must not exist); the reason a copy was made, or null when linked.</summary>
    public static string? LinkOrCopy(string source, string target)
    {
        if (Interop.Libc.link(source, target) == 0)
        {
            return null;
        }

        var reason = Marshal.GetLastPInvokeErrorMessage();
        using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan);
        using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);
        input.CopyTo(output, 1 << 20);
        output.Flush(flushToDisk: true);
        return reason;
    }
}
