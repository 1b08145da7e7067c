using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

/// <summary>
/// Bridges GDAL's progress callback (<c>GDALProgressFunc</c>) to managed code: reports the fraction done
/// and aborts the native call when the token is cancelled. The callback catches everything — an
/// exception must never unwind through GDAL's C frames.
/// </summary>
internal sealed class GdalProgress(Action<double>? report, CancellationToken cancellation)
{
    private readonly Action<double>? _report = report;
    private readonly CancellationToken _cancellation = cancellation;

    public bool Cancelled { get; private set; }

    /// <summary>Pins this object for the duration of a native call; pass <see cref="Scope.Data"/> as pProgressData.</summary>
    public Scope Pin() => new(GCHandle.Alloc(this));

    [UnmanagedCallersOnly]
    public static int Callback(double complete, IntPtr message, IntPtr data)
    {
        try
        {
            var progress = (GdalProgress)GCHandle.FromIntPtr(data).Target!;
            if (progress._cancellation.IsCancellationRequested)
            {
                progress.Cancelled = true;
                return 0;
            }

            progress._report?.Invoke(Math.Clamp(complete, 0, 1));
            return 1;
        }
        catch
        {
            // Whatever went wrong, stop the native work rather than crash in it.
            return 0;
        }
    }

    public readonly struct Scope(GCHandle handle) : IDisposable
    {
        public IntPtr Data => GCHandle.ToIntPtr(handle);

        public void Dispose() => handle.Free();
    }
}
