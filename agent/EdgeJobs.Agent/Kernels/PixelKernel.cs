using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeJobs.Agent.Kernels;

/// <summary>
/// Drives per-pixel operators over whole rows: Vector512 where the hardware has it, Vector256 next, then
/// Vector128 (SSE2 and NEON, in every x64 and ARM64 baseline, and the widest that the published Native AOT
/// binaries compile for), scalar for the remainder; each width's loop picks up where the wider one stopped.
/// Nodata in either input propagates to the output. No allocation.
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

        if (Vector128.IsHardwareAccelerated && n - i >= (nuint)Vector128<float>.Count)
        {
            var ndA = Vector128.Create(noDataA);
            var ndB = Vector128.Create(noDataB);
            var ndOut = Vector128.Create(outputNoData);
            for (; i + (nuint)Vector128<float>.Count <= n; i += (nuint)Vector128<float>.Count)
            {
                var va = Vector128.LoadUnsafe(ref ra, i);
                var vb = Vector128.LoadUnsafe(ref rb, i);
                var result = TOp.Invoke(va, vb);
                if (checkA | checkB)
                {
                    var mask = (checkA ? Vector128.Equals(va, ndA) : Vector128<float>.Zero) | (checkB ? Vector128.Equals(vb, ndB) : Vector128<float>.Zero);
                    result = Vector128.ConditionalSelect(mask, ndOut, result);
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

    /// <summary><paramref name="destination"/>[i] = <typeparamref name="TOp"/>(source[i]). In place is allowed.</summary>
    public static void Apply<TOp>(ReadOnlySpan<float> source, Span<float> destination)
        where TOp : struct, IUnaryPixelOperator
    {
        if (destination.Length < source.Length)
        {
            ThrowLengths(source.Length, source.Length, destination.Length);
        }

        ref var rs = ref MemoryMarshal.GetReference(source);
        ref var rd = ref MemoryMarshal.GetReference(destination);
        nuint i = 0;
        var n = (nuint)source.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector512<float>.Count <= n; i += (nuint)Vector512<float>.Count)
            {
                TOp.Invoke(Vector512.LoadUnsafe(ref rs, i)).StoreUnsafe(ref rd, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector256<float>.Count <= n; i += (nuint)Vector256<float>.Count)
            {
                TOp.Invoke(Vector256.LoadUnsafe(ref rs, i)).StoreUnsafe(ref rd, i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector128<float>.Count <= n; i += (nuint)Vector128<float>.Count)
            {
                TOp.Invoke(Vector128.LoadUnsafe(ref rs, i)).StoreUnsafe(ref rd, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = TOp.Invoke(Unsafe.Add(ref rs, i));
        }
    }

    /// <summary><paramref name="destination"/>[i] = condition[i] != 0 ? whenTrue[i] : whenFalse[i] (NaN counts as true).</summary>
    public static void Select(ReadOnlySpan<float> condition, ReadOnlySpan<float> whenTrue, ReadOnlySpan<float> whenFalse, Span<float> destination)
    {
        var n = (nuint)condition.Length;
        if ((nuint)whenTrue.Length != n || (nuint)whenFalse.Length != n || (nuint)destination.Length < n)
        {
            ThrowLengths(condition.Length, whenTrue.Length, destination.Length);
        }

        ref var rc = ref MemoryMarshal.GetReference(condition);
        ref var rt = ref MemoryMarshal.GetReference(whenTrue);
        ref var rf = ref MemoryMarshal.GetReference(whenFalse);
        ref var rd = ref MemoryMarshal.GetReference(destination);
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector512<float>.Count <= n; i += (nuint)Vector512<float>.Count)
            {
                var isFalse = Vector512.Equals(Vector512.LoadUnsafe(ref rc, i), Vector512<float>.Zero);
                Vector512.ConditionalSelect(isFalse, Vector512.LoadUnsafe(ref rf, i), Vector512.LoadUnsafe(ref rt, i)).StoreUnsafe(ref rd, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector256<float>.Count <= n; i += (nuint)Vector256<float>.Count)
            {
                var isFalse = Vector256.Equals(Vector256.LoadUnsafe(ref rc, i), Vector256<float>.Zero);
                Vector256.ConditionalSelect(isFalse, Vector256.LoadUnsafe(ref rf, i), Vector256.LoadUnsafe(ref rt, i)).StoreUnsafe(ref rd, i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector128<float>.Count <= n; i += (nuint)Vector128<float>.Count)
            {
                var isFalse = Vector128.Equals(Vector128.LoadUnsafe(ref rc, i), Vector128<float>.Zero);
                Vector128.ConditionalSelect(isFalse, Vector128.LoadUnsafe(ref rf, i), Vector128.LoadUnsafe(ref rt, i)).StoreUnsafe(ref rd, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = Unsafe.Add(ref rc, i) != 0 ? Unsafe.Add(ref rt, i) : Unsafe.Add(ref rf, i);
        }
    }

    /// <summary>
    /// Sets <paramref name="destination"/>[i] to <paramref name="outputNoData"/> where band[i] is
    /// <paramref name="noData"/> (a NaN nodata matches NaN pixels); leaves the other pixels alone.
    /// </summary>
    public static void MaskNoData(ReadOnlySpan<float> band, float noData, Span<float> destination, float outputNoData)
    {
        if (destination.Length < band.Length)
        {
            ThrowLengths(band.Length, band.Length, destination.Length);
        }

        ref var rb = ref MemoryMarshal.GetReference(band);
        ref var rd = ref MemoryMarshal.GetReference(destination);
        var isNaN = float.IsNaN(noData);
        nuint i = 0;
        var n = (nuint)band.Length;
        if (Vector256.IsHardwareAccelerated)
        {
            var nd = Vector256.Create(noData);
            var output = Vector256.Create(outputNoData);
            for (; i + (nuint)Vector256<float>.Count <= n; i += (nuint)Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref rb, i);
                var hit = isNaN ? ~Vector256.Equals(v, v) : Vector256.Equals(v, nd);
                Vector256.ConditionalSelect(hit, output, Vector256.LoadUnsafe(ref rd, i)).StoreUnsafe(ref rd, i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            var nd = Vector128.Create(noData);
            var output = Vector128.Create(outputNoData);
            for (; i + (nuint)Vector128<float>.Count <= n; i += (nuint)Vector128<float>.Count)
            {
                var v = Vector128.LoadUnsafe(ref rb, i);
                var hit = isNaN ? ~Vector128.Equals(v, v) : Vector128.Equals(v, nd);
                Vector128.ConditionalSelect(hit, output, Vector128.LoadUnsafe(ref rd, i)).StoreUnsafe(ref rd, i);
            }
        }

        for (; i < n; i++)
        {
            var v = Unsafe.Add(ref rb, i);
            if (isNaN ? float.IsNaN(v) : v == noData)
            {
                Unsafe.Add(ref rd, i) = outputNoData;
            }
        }
    }

    /// <summary>
    /// A linear stretch to Byte, as <c>gdal_translate -scale min max toMin toMax -ot Byte</c>: scaled,
    /// clamped to 0..255 and rounded half up; NaN gives 0. Pixels equal to <paramref name="resultNoData"/> (result
    /// nodata) get <paramref name="noDataByte"/>.
    /// </summary>
    public static void Rescale(ReadOnlySpan<float> source, float min, float max, float toMin, float toMax, Span<byte> destination, float resultNoData = float.NaN, byte noDataByte = 0)
    {
        if (destination.Length < source.Length)
        {
            ThrowLengths(source.Length, source.Length, destination.Length);
        }

        var ratio = (toMax - toMin) / (max - min);
        var offset = toMin - (min * ratio);
        var checkNoData = !float.IsNaN(resultNoData);
        ref var rs = ref MemoryMarshal.GetReference(source);
        ref var rd = ref MemoryMarshal.GetReference(destination);
        nuint i = 0;
        var n = (nuint)source.Length;
        if (Vector256.IsHardwareAccelerated)
        {
            var vRatio = Vector256.Create(ratio);
            var vOffset = Vector256.Create(offset + 0.5f);
            var upper = Vector256.Create(255.5f);
            var nd = Vector256.Create(resultNoData);
            var ndByte = Vector256.Create((float)noDataByte);
            var step = (nuint)Vector256<byte>.Count;
            for (; i + step <= n; i += step)
            {
                var w0 = Stretch(Vector256.LoadUnsafe(ref rs, i));
                var w1 = Stretch(Vector256.LoadUnsafe(ref rs, i + 8));
                var w2 = Stretch(Vector256.LoadUnsafe(ref rs, i + 16));
                var w3 = Stretch(Vector256.LoadUnsafe(ref rs, i + 24));
                var low = Vector256.Narrow(w0.AsUInt32(), w1.AsUInt32());
                var high = Vector256.Narrow(w2.AsUInt32(), w3.AsUInt32());
                Vector256.Narrow(low, high).StoreUnsafe(ref rd, i);
            }

            // (v * ratio + offset + 0.5) clamped to [0, 255.5) then truncated = rounded half up in 0..255.
            Vector256<int> Stretch(Vector256<float> v)
            {
                var scaled = Vector256.Min(Vector256.Max(Vector256.FusedMultiplyAdd(v, vRatio, vOffset), Vector256<float>.Zero), upper);
                scaled = Vector256.ConditionalSelect(Vector256.Equals(v, v), scaled, Vector256<float>.Zero);
                if (checkNoData)
                {
                    scaled = Vector256.ConditionalSelect(Vector256.Equals(v, nd), ndByte, scaled);
                }

                return Vector256.ConvertToInt32(scaled);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            var vRatio = Vector128.Create(ratio);
            var vOffset = Vector128.Create(offset + 0.5f);
            var upper = Vector128.Create(255.5f);
            var nd = Vector128.Create(resultNoData);
            var ndByte = Vector128.Create((float)noDataByte);
            var step = (nuint)Vector128<byte>.Count;
            for (; i + step <= n; i += step)
            {
                var w0 = Stretch128(Vector128.LoadUnsafe(ref rs, i));
                var w1 = Stretch128(Vector128.LoadUnsafe(ref rs, i + 4));
                var w2 = Stretch128(Vector128.LoadUnsafe(ref rs, i + 8));
                var w3 = Stretch128(Vector128.LoadUnsafe(ref rs, i + 12));
                var low = Vector128.Narrow(w0.AsUInt32(), w1.AsUInt32());
                var high = Vector128.Narrow(w2.AsUInt32(), w3.AsUInt32());
                Vector128.Narrow(low, high).StoreUnsafe(ref rd, i);
            }

            // (v * ratio + offset + 0.5) clamped to [0, 255.5) then truncated = rounded half up in 0..255.
            Vector128<int> Stretch128(Vector128<float> v)
            {
                var scaled = Vector128.Min(Vector128.Max(Vector128.FusedMultiplyAdd(v, vRatio, vOffset), Vector128<float>.Zero), upper);
                scaled = Vector128.ConditionalSelect(Vector128.Equals(v, v), scaled, Vector128<float>.Zero);
                if (checkNoData)
                {
                    scaled = Vector128.ConditionalSelect(Vector128.Equals(v, nd), ndByte, scaled);
                }

                return Vector128.ConvertToInt32(scaled);
            }
        }

        for (; i < n; i++)
        {
            var v = Unsafe.Add(ref rs, i);
            Unsafe.Add(ref rd, i) = checkNoData && v == resultNoData ? noDataByte : RescaleOne(v, ratio, offset);
        }
    }

    /// <summary>The scalar stretch of <see cref="Rescale"/>, for the remainder and as the tests' reference.</summary>
    public static byte RescaleOne(float v, float ratio, float offset) =>
        float.IsNaN(v) ? (byte)0 : (byte)Math.Min(Math.Max(MathF.FusedMultiplyAdd(v, ratio, offset + 0.5f), 0f), 255.5f);

    /// <summary>
    /// Colours Byte values through a 256-entry table of r, g, b triples into separate bands. Given the
    /// float <paramref name="result"/>, pixels where it is nodata or NaN are black, and with an
    /// <paramref name="alpha"/> band transparent (0; the others 255).
    /// </summary>
    public static void Colorize(ReadOnlySpan<byte> values, ReadOnlySpan<byte> table, Span<byte> red, Span<byte> green, Span<byte> blue,
        ReadOnlySpan<float> result = default, float resultNoData = float.NaN, Span<byte> alpha = default)
    {
        if (table.Length != 768)
        {
            throw new ArgumentException("a colour table has 256 r, g, b triples", nameof(table));
        }

        if (red.Length < values.Length || green.Length < values.Length || blue.Length < values.Length
            || (!result.IsEmpty && result.Length < values.Length) || (!alpha.IsEmpty && (alpha.Length < values.Length || result.IsEmpty)))
        {
            ThrowLengths(values.Length, result.Length, Math.Min(red.Length, Math.Min(green.Length, blue.Length)));
        }

        for (var i = 0; i < values.Length; i++)
        {
            var entry = values[i] * 3;
            red[i] = table[entry];
            green[i] = table[entry + 1];
            blue[i] = table[entry + 2];
        }

        if (result.IsEmpty)
        {
            return;
        }

        // Nodata is transparent black, as gdaldem color-relief -alpha draws it.
        for (var i = 0; i < values.Length; i++)
        {
            var v = result[i];
            var missing = float.IsNaN(v) || v == resultNoData;
            if (missing)
            {
                red[i] = green[i] = blue[i] = 0;
            }

            if (!alpha.IsEmpty)
            {
                alpha[i] = missing ? (byte)0 : (byte)255;
            }
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

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector128<ushort>.Count <= n; i += (nuint)Vector128<ushort>.Count)
            {
                var (lower, upper) = Vector128.Widen(Vector128.LoadUnsafe(ref rs, i));
                Vector128.ConvertToSingle(lower.AsInt32()).StoreUnsafe(ref rd, i);
                Vector128.ConvertToSingle(upper.AsInt32()).StoreUnsafe(ref rd, i + (nuint)Vector128<float>.Count);
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
