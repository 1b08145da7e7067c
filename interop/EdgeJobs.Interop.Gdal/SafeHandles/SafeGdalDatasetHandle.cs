using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

/// <summary>
/// An open <c>GDALDatasetH</c>. Closed exactly once, when the last user lets go: bands take a reference
/// (<see cref="SafeHandle.DangerousAddRef"/>) so a band used after its dataset was disposed keeps the
/// dataset open instead of touching freed memory.
/// </summary>
internal sealed class SafeGdalDatasetHandle() : SafeHandle(IntPtr.Zero, ownsHandle: true)
{
    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() => Interop.Gdal.GDALClose(handle) == 0;
}
