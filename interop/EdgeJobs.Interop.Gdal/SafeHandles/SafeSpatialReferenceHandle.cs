using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

/// <summary>An <c>OGRSpatialReferenceH</c> this process created (not one a dataset owns).</summary>
internal sealed class SafeSpatialReferenceHandle() : SafeHandle(IntPtr.Zero, ownsHandle: true)
{
    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        Interop.Gdal.OSRDestroySpatialReference(handle);
        return true;
    }
}
