using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeJobs.Agent.Kernels;

/// <summary>
/// Drives per-pixel operators over whole rows: Vector512 where the hardware has it, Vector256 next,
/// scalar for the remainder. Nodata in either input propagates to the output. No allocation.
/// </summary>
public static class PixelKernel
{
    /// <summary>
    /// <paramref name="destination"/>[i] = <typeparamref name="TOp"/>(a[i], b[i]), or <paramref name="outputNoData"/>
    /// where a[i] equals <paramref name="noDataA"/> or b[i] equals <paramref name="noDataB"/> (NaN disables a check).
    /// </summary>
    public static void Apply<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination,
        float noDataA = float.NaN, float noDataB = float.NaN, float outputNoData = float.NaN)
        where TOp : struct, IBinaryPixelOperator
    {
        if (a.Length != b.Length || destination.Length < a.Length)
        {
            ThrowLengths(a.Length, b.Length, destination.Length);
        }

        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        ref var rd = ref MemoryMarshal.GetReference(destination);
        var checkA = !float.IsNaN(noDataA);
        var checkB = !float.IsNaN(noDataB);
        nuint i = 0;
        var n = (nuint)a.Length;

        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<float>.Count)
        {
            var ndA = Vector512.Create(noDataA);
            var ndB = Vector512.Create(noDataB);
            var ndOut = Vector512.Create(outputNoData);
            for (; i + (nuint)Vector512<float>.Count <= n; i += (nuint)Vector512<float>.Count)
            {
                var va = Vector512.LoadUnsafe(ref ra, i);
                var vb = Vector512.LoadUnsafe(ref rb, i);
                var result = TOp.Invoke(va, vb);
                if (checkA | checkB)
                {
                    var mask = (checkA ? Vector512.Equals(va, ndA) : Vector512<float>.Zero) | (checkB ? Vector512.Equals(vb, ndB) : Vector512<float>.Zero);
                    result = Vector512.ConditionalSelect(mask, ndOut, result);
                }

                result.StoreUnsafe(ref rd, i);
            }
        }

        if (Vector256.IsHardwareAccelerated && n - i >= (nuint)Vector256<float>.Count)
        {
            var ndA = Vector256.Create(noDataA);
            var ndB = Vector256.Create(noDataB);
            var ndOut = Vector256.Create(outputNoData);
            for (; i + (nuint)Vector256<float>.Count <= n; i += (nuint)Vector256<float>.Count)
            {
                var va = Vector256.LoadUnsafe(ref ra, i);
                var vb = Vector256.LoadUnsafe(ref rb, i);
                var result = TOp.Invoke(va, vb);
                if (checkA | checkB)
                {
                    var mask = (checkA ? Vector256.Equals(va, ndA) : Vector256<float>.Zero) | (checkB ? Vector256.Equals(vb, ndB) : Vector256<float>.Zero);
                    result = Vector256.ConditionalSelect(mask, ndOut, result);
                }

                result.StoreUnsafe(ref rd, i);
            }
        }

        for (; i < n; i++)
        {
            var va = Unsafe.Add(ref ra, i);
            var vb = Unsafe.Add(ref rb, i);
            Unsafe.Add(ref rd, i) = (checkA && va == noDataA) || (checkB && vb == noDataB) ? outputNoData : TOp.Invoke(va, vb);
        }
    }

    /// <summary>Widens UInt16 pixels to float32 (exact), vectorised.</summary>
    public static void Widen(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            ThrowLengths(source.Length, source.Length, destination.Length);
        }

        ref var rs = ref MemoryMarshal.GetReference(source);
        ref var rd = ref MemoryMarshal.GetReference(destination);
        nuint i = 0;
        var n = (nuint)source.Length;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector256<ushort>.Count <= n; i += (nuint)Vector256<ushort>.Count)
            {
                var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref rs, i));
                Vector256.ConvertToSingle(lower.AsInt32()).StoreUnsafe(ref rd, i);
                Vector256.ConvertToSingle(upper.AsInt32()).StoreUnsafe(ref rd, i + (nuint)Vector256<float>.Count);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = Unsafe.Add(ref rs, i);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLengths(int a, int b, int destination) =>
        throw new ArgumentException($"inputs must have equal lengths ({a}, {b}) and the destination at least as many ({destination})");
}
