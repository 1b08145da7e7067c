using System.Runtime.Intrinsics;

namespace EdgeJobs.Agent.Kernels;

/// <summary>(a − b) / (a + b): NDVI with (NIR, red), NDWI with (green, NIR). IEEE semantics: 0/0 is NaN, as numpy gives.</summary>
public readonly struct NormalizedDifference : IBinaryPixelOperator
{
    public static float Invoke(float a, float b) => (a - b) / (a + b);

    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => (a - b) / (a + b);

    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => (a - b) / (a + b);

    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => (a - b) / (a + b);
}
