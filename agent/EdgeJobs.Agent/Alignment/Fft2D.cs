using System.Numerics;

namespace EdgeJobs.Agent.Alignment;

/// <summary>
/// In-place 2-D FFT of an n×n complex image (n a power of two), row-major: radix-2 on every row, then
/// every column. Small and exact enough for registration windows up to 1024²; no allocation beyond a column buffer.
/// </summary>
internal static class Fft2D
{
    public static void Forward(Complex[] image, int n) => Transform(image, n, inverse: false);

    /// <summary>The inverse transform, scaled by 1/n², so Inverse(Forward(x)) = x.</summary>
    public static void Inverse(Complex[] image, int n)
    {
        Transform(image, n, inverse: true);
        var scale = 1.0 / ((double)n * n);
        for (var i = 0; i < image.Length; i++)
        {
            image[i] *= scale;
        }
    }

    private static void Transform(Complex[] image, int n, bool inverse)
    {
        if (n < 2 || (n & (n - 1)) != 0 || image.Length != n * n)
        {
            throw new ArgumentException($"an FFT window is n×n with n a power of two; got n={n} for {image.Length} values");
        }

        for (var row = 0; row < n; row++)
        {
            Transform1D(image.AsSpan(row * n, n), inverse);
        }

        var column = new Complex[n];
        for (var x = 0; x < n; x++)
        {
            for (var y = 0; y < n; y++)
            {
                column[y] = image[(y * n) + x];
            }

            Transform1D(column, inverse);
            for (var y = 0; y < n; y++)
            {
                image[(y * n) + x] = column[y];
            }
        }
    }

    /// <summary>Iterative Cooley–Tukey: bit-reversal permutation, then butterflies.</summary>
    private static void Transform1D(Span<Complex> data, bool inverse)
    {
        var n = data.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            var bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
            {
                j ^= bit;
            }

            j ^= bit;
            if (i < j)
            {
                (data[i], data[j]) = (data[j], data[i]);
            }
        }

        for (var length = 2; length <= n; length <<= 1)
        {
            var angle = (inverse ? 2 : -2) * Math.PI / length;
            var step = new Complex(Math.Cos(angle), Math.Sin(angle));
            for (var start = 0; start < n; start += length)
            {
                var w = Complex.One;
                for (var k = 0; k < length / 2; k++)
                {
                    var even = data[start + k];
                    var odd = data[start + k + (length / 2)] * w;
                    data[start + k] = even + odd;
                    data[start + k + (length / 2)] = even - odd;
                    w *= step;
                }
            }
        }
    }
}
