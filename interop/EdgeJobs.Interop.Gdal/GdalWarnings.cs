using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

/// <summary>
/// GDAL's warnings (<c>CE_Warning</c>: a creation option the driver ignores, a coordinate it could not
/// transform, a malformed tag it read past) go to whoever runs GDAL on the current thread — a job's log —
/// instead of to stderr or nowhere. Failures are not routed here: they are captured right after the failing
/// call and become <see cref="GdalException"/>. Warnings raised on GDAL's own worker threads (warp and
/// compression threads) have no route and are dropped, as before.
/// </summary>
public static class GdalWarnings
{
    private const int CeWarning = 2;

    [ThreadStatic]
    private static Action<string>? t_sink;

    /// <summary>Where this thread's warnings go now (to hand on to threads it starts), or null.</summary>
    public static Action<string>? Current => t_sink;

    /// <summary>Routes the warnings GDAL raises on this thread to <paramref name="sink"/> until the scope ends.</summary>
    public static Scope RouteTo(Action<string>? sink)
    {
        var previous = t_sink;
        t_sink = sink;
        return new Scope(previous);
    }

    /// <summary>GDAL's process-wide error handler (<c>CPLErrorHandler</c>), installed when GDAL loads.</summary>
    [UnmanagedCallersOnly]
    internal static void Handle(int errorClass, int errorNumber, IntPtr message)
    {
        try
        {
            if (errorClass == CeWarning && t_sink is { } sink)
            {
                sink(Marshal.PtrToStringUTF8(message) ?? $"warning {errorNumber}");
            }
        }
        catch
        {
            // Nothing may unwind through GDAL's C frames; a sink that throws loses its warning.
        }
    }

    public readonly struct Scope(Action<string>? previous) : IDisposable
    {
        public void Dispose() => t_sink = previous;
    }
}
