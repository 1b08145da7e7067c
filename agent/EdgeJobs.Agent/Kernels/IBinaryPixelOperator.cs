using System.Runtime.Intrinsics;

namespace EdgeJobs.Agent.Kernels;

/// <summary>
/// A per-pixel operation on two bands, as a scalar and as vectors. Implementations are small readonly
/// structs; <see cref="PixelKernel"/> drives them (vector widths, remainder) in one place.
/// </summary>
public interface IBinaryPixelOperator
{
    static abstract float Invoke(float a, float b);

    static abstract Vector128<float> Invoke(Vector128<float> a, Vector128<float> b);

    static abstract Vector256<float> Invoke(Vector256<float> a, Vector256<float> b);

    static abstract Vector512<float> Invoke(Vector512<float> a, Vector512<float> b);
}
