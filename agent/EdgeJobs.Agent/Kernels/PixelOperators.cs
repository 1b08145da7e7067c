using System.Runtime.Intrinsics;

namespace EdgeJobs.Agent.Kernels;

/// <summary>A per-pixel operation on one band, as a scalar and as vectors.</summary>
public interface IUnaryPixelOperator
{
    static abstract float Invoke(float a);

    static abstract Vector128<float> Invoke(Vector128<float> a);

    static abstract Vector256<float> Invoke(Vector256<float> a);

    static abstract Vector512<float> Invoke(Vector512<float> a);
}

// The operators of band-math expressions. Comparisons and logic give 1 or 0; "true" is any non-zero
// value (NaN included), as in numpy. Min and max propagate NaN, in the scalar and the vector forms alike.

public readonly struct AddOperator : IBinaryPixelOperator
{
    public static float Invoke(float a, float b) => a + b;

    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => a + b;

    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a + b;

    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a + b;
}

public readonly struct SubtractOperator : IBinaryPixelOperator
{
    public static float Invoke(float a, float b) => a - b;

    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => a - b;

    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a - b;

    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a - b;
}

public readonly struct MultiplyOperator : IBinaryPixelOperator
{
    public static float Invoke(float a, float b) => a * b;

    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => a * b;

    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a * b;

    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a * b;
}

public readonly struct DivideOperator : IBinaryPixelOperator
{
    public static float Invoke(float a, float b) => a / b;

    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => a / b;

    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a / b;

    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a / b;
}

public readonly struct MinOperator : IBinaryPixelOperator
{
    public static float Invoke(float a, float b) => MathF.Min(a, b);

    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => Vector128.Min(a, b);

    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.Min(a, b);

    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => Vector512.Min(a, b);
}

public readonly struct MaxOperator : IBinaryPixelOperator
{
    public static float Invoke(float a, float b) => MathF.Max(a, b);

    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);

    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);

    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);
}

public readonly struct LessOperator : IBinaryPixelOperator
{
    public static float Invoke(float a, float b) => a < b ? 1 : 0;

    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => Vector128.LessThan(a, b) & Vector128<float>.One;

    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.LessThan(a, b) & Vector256<float>.One;

    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => Vector512.LessThan(a, b) & Vector512<float>.One;
}

public readonly struct LessOrEqualOperator : IBinaryPixelOperator
{
    public static float Invoke(float a, float b) => a <= b ? 1 : 0;

    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => Vector128.LessThanOrEqual(a, b) & Vector128<float>.One;

    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.LessThanOrEqual(a, b) & Vector256<float>.One;

    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => Vector512.LessThanOrEqual(a, b) & Vector512<float>.One;
}

public readonly struct GreaterOperator : IBinaryPixelOperator
{
    public static float Invoke(float a, float b) => a > b ? 1 : 0;

    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => Vector128.GreaterThan(a, b) & Vector128<float>.One;

    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThan(a, b) & Vector256<float>.One;

    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThan(a, b) & Vector512<float>.One;
}

public readonly struct GreaterOrEqualOperator : IBinaryPixelOperator
{
    public static float Invoke(float a, float b) => a >= b ? 1 : 0;

    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => Vector128.GreaterThanOrEqual(a, b) & Vector128<float>.One;

    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThanOrEqual(a, b) & Vector256<float>.One;

    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThanOrEqual(a, b) & Vector512<float>.One;
}

public readonly struct EqualOperator : IBinaryPixelOperator
{
    public static float Invoke(float a, float b) => a == b ? 1 : 0;

    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => Vector128.Equals(a, b) & Vector128<float>.One;

    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.Equals(a, b) & Vector256<float>.One;

    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => Vector512.Equals(a, b) & Vector512<float>.One;
}

public readonly struct NotEqualOperator : IBinaryPixelOperator
{
    public static float Invoke(float a, float b) => a != b ? 1 : 0;

    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => ~Vector128.Equals(a, b) & Vector128<float>.One;

    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => ~Vector256.Equals(a, b) & Vector256<float>.One;

    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => ~Vector512.Equals(a, b) & Vector512<float>.One;
}

public readonly struct AndOperator : IBinaryPixelOperator
{
    public static float Invoke(float a, float b) => a != 0 && b != 0 ? 1 : 0;

    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) =>
        Vector128.AndNot(Vector128<float>.One, Vector128.Equals(a, Vector128<float>.Zero) | Vector128.Equals(b, Vector128<float>.Zero));

    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) =>
        Vector256.AndNot(Vector256<float>.One, Vector256.Equals(a, Vector256<float>.Zero) | Vector256.Equals(b, Vector256<float>.Zero));

    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) =>
        Vector512.AndNot(Vector512<float>.One, Vector512.Equals(a, Vector512<float>.Zero) | Vector512.Equals(b, Vector512<float>.Zero));
}

public readonly struct OrOperator : IBinaryPixelOperator
{
    public static float Invoke(float a, float b) => a != 0 || b != 0 ? 1 : 0;

    public static Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) =>
        Vector128.AndNot(Vector128<float>.One, Vector128.Equals(a, Vector128<float>.Zero) & Vector128.Equals(b, Vector128<float>.Zero));

    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) =>
        Vector256.AndNot(Vector256<float>.One, Vector256.Equals(a, Vector256<float>.Zero) & Vector256.Equals(b, Vector256<float>.Zero));

    public static Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) =>
        Vector512.AndNot(Vector512<float>.One, Vector512.Equals(a, Vector512<float>.Zero) & Vector512.Equals(b, Vector512<float>.Zero));
}

public readonly struct NegateOperator : IUnaryPixelOperator
{
    public static float Invoke(float a) => -a;

    public static Vector128<float> Invoke(Vector128<float> a) => -a;

    public static Vector256<float> Invoke(Vector256<float> a) => -a;

    public static Vector512<float> Invoke(Vector512<float> a) => -a;
}

public readonly struct NotOperator : IUnaryPixelOperator
{
    public static float Invoke(float a) => a == 0 ? 1 : 0;

    public static Vector128<float> Invoke(Vector128<float> a) => Vector128.Equals(a, Vector128<float>.Zero) & Vector128<float>.One;

    public static Vector256<float> Invoke(Vector256<float> a) => Vector256.Equals(a, Vector256<float>.Zero) & Vector256<float>.One;

    public static Vector512<float> Invoke(Vector512<float> a) => Vector512.Equals(a, Vector512<float>.Zero) & Vector512<float>.One;
}

public readonly struct AbsOperator : IUnaryPixelOperator
{
    public static float Invoke(float a) => MathF.Abs(a);

    public static Vector128<float> Invoke(Vector128<float> a) => Vector128.Abs(a);

    public static Vector256<float> Invoke(Vector256<float> a) => Vector256.Abs(a);

    public static Vector512<float> Invoke(Vector512<float> a) => Vector512.Abs(a);
}

public readonly struct SqrtOperator : IUnaryPixelOperator
{
    public static float Invoke(float a) => MathF.Sqrt(a);

    public static Vector128<float> Invoke(Vector128<float> a) => Vector128.Sqrt(a);

    public static Vector256<float> Invoke(Vector256<float> a) => Vector256.Sqrt(a);

    public static Vector512<float> Invoke(Vector512<float> a) => Vector512.Sqrt(a);
}
