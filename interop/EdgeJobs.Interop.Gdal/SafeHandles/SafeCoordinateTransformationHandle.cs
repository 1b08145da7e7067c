using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

/// <summary>An <c>OGRCoordinateTransformationH</c>.</summary>
internal sealed class SafeCoordinateTransformationHandle() : SafeHandle(IntPtr.Zero, ownsHandle: true)
{
    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        Interop.Gdal.OCTDestroyCoordinateTransformation(handle);
        return true;
    }
}
