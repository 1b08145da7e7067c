using EdgeJobs.Agent.Kernels;

namespace EdgeJobs.Agent.Tests.Kernels;

/// <summary>Each vectorised kernel against its scalar reference, at lengths that exercise every remainder path.</summary>
public class PixelKernelTests
{
    private static bool Same(float x, float y) => (float.IsNaN(x) && float.IsNaN(y)) || x.Equals(y);

    [Test]
    [Arguments(0)]
    [Arguments(1)]
    [Arguments(7)]
    [Arguments(8)]
    [Arguments(15)]
    [Arguments(16)]
    [Arguments(17)]
    [Arguments(33)]
    [Arguments(1000)]
    [Arguments(4099)]
    public async Task normalized_difference_with_nodata_equals_the_scalar_reference(int length)
    {
        var random = new Random(length);
        var nir = new float[length];
        var red = new float[length];
        for (var i = 0; i < length; i++)
        {
            nir[i] = random.Next(5) == 0 ? 0 : random.Next(0, 10000);
            red[i] = random.Next(7) == 0 ? -9999 : random.Next(0, 10000);
        }

        var actual = new float[length];
        PixelKernel.Apply<NormalizedDifference>(nir, red, actual, noDataA: float.NaN, noDataB: -9999, outputNoData: -2);

        for (var i = 0; i < length; i++)
        {
            var expected = red[i] == -9999 ? -2 : (nir[i] - red[i]) / (nir[i] + red[i]);
            await Assert.That(Same(actual[i], expected)).IsTrue().Because($"pixel {i}: nir {nir[i]}, red {red[i]} gave {actual[i]}, expected {expected}");
        }
    }

    [Test]
    public async Task zero_over_zero_is_nan_as_numpy_gives_and_equal_bands_are_zero()
    {
        float[] a = [0, 5, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        float[] b = [0, 5, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var d = new float[a.Length];

        PixelKernel.Apply<NormalizedDifference>(a, b, d);

        await Assert.That(float.IsNaN(d[0])).IsTrue();
        await Assert.That(d[1]).IsEqualTo(0f);
        await Assert.That(d[2]).IsEqualTo(-1f);
        await Assert.That(float.IsNaN(d[16])).IsTrue();
    }

    [Test]
    [Arguments(0)]
    [Arguments(15)]
    [Arguments(16)]
    [Arguments(17)]
    [Arguments(1001)]
    public async Task widening_uint16_is_exact(int length)
    {
        var source = new ushort[length];
        for (var i = 0; i < length; i++)
        {
            source[i] = (ushort)(i * 2654435761u >> 16);
        }

        if (length > 3)
        {
            source[2] = ushort.MaxValue;
            source[3] = 0;
        }

        var widened = new float[length];
        PixelKernel.Widen(source, widened);

        await Assert.That(FirstMismatch(source, widened)).IsEqualTo(-1);
    }

    [Test]
    [Arguments(0)]
    [Arguments(3)]
    [Arguments(13)]
    public async Task widening_is_exact_for_every_uint16_value_at_any_alignment(int offset)
    {
        // Every value 0..65535 once, descending, starting `offset` elements into the span, so each vector
        // width's loop and the scalar remainder all see both ends of the range.
        var buffer = new ushort[offset + 65536 + 5];
        for (var v = 0; v <= ushort.MaxValue; v++)
        {
            buffer[offset + v] = (ushort)(ushort.MaxValue - v);
        }

        var source = buffer.AsSpan(offset);
        var widened = new float[source.Length];
        PixelKernel.Widen(source, widened);

        await Assert.That(FirstMismatch(source.ToArray(), widened)).IsEqualTo(-1);
    }

    private static int FirstMismatch(ushort[] source, float[] widened)
    {
        for (var i = 0; i < source.Length; i++)
        {
            if (widened[i] != source[i])
            {
                return i;
            }
        }

        return -1;
    }

    [Test]
    public async Task mismatched_lengths_are_refused()
    {
        await Assert.That(() => PixelKernel.Apply<NormalizedDifference>(new float[3], new float[4], new float[4])).Throws<ArgumentException>();
        await Assert.That(() => PixelKernel.Apply<NormalizedDifference>(new float[4], new float[4], new float[3])).Throws<ArgumentException>();
    }
}
