namespace EdgeJobs.Agent.Alignment;

/// <summary>A single-band float image, row-major; NaN is no data. Sampled bicubically (Keys, a = −0.5).</summary>
public sealed class Image(float[] pixels, int width, int height)
{
    public float[] Pixels { get; } = pixels.Length == width * height ? pixels : throw new ArgumentException("pixels must hold width × height values");

    public int Width { get; } = width;

    public int Height { get; } = height;

    /// <summary>The n×n window at (x0, y0).</summary>
    public float[] Crop(int x0, int y0, int n)
    {
        var window = new float[n * n];
        for (var y = 0; y < n; y++)
        {
            Pixels.AsSpan(((y0 + y) * Width) + x0, n).CopyTo(window.AsSpan(y * n, n));
        }

        return window;
    }

    /// <summary>The n×n window at (x0, y0) of this image seen through <paramref name="transform"/>: out(p) = this(M p).</summary>
    public float[] Resample(SimilarityTransform transform, int x0, int y0, int n)
    {
        var window = new float[n * n];
        for (var y = 0; y < n; y++)
        {
            for (var x = 0; x < n; x++)
            {
                var (sx, sy) = transform.Apply(x0 + x, y0 + y);
                window[(y * n) + x] = (float)Sample(sx, sy);
            }
        }

        return window;
    }

    /// <summary>The bicubic value at (x, y); NaN outside the image or next to no data.</summary>
    public double Sample(double x, double y)
    {
        var (ix, iy) = ((int)Math.Floor(x), (int)Math.Floor(y));
        if (ix < 1 || iy < 1 || ix + 2 >= Width || iy + 2 >= Height)
        {
            return double.NaN;
        }

        var (fx, fy) = (x - ix, y - iy);
        Span<double> wx = [Keys(1 + fx), Keys(fx), Keys(1 - fx), Keys(2 - fx)];
        Span<double> wy = [Keys(1 + fy), Keys(fy), Keys(1 - fy), Keys(2 - fy)];
        double value = 0;
        for (var j = 0; j < 4; j++)
        {
            var row = (iy - 1 + j) * Width;
            double line = 0;
            for (var i = 0; i < 4; i++)
            {
                line += Pixels[row + ix - 1 + i] * wx[i];
            }

            value += line * wy[j];
        }

        return value;
    }

    private static double Keys(double t)
    {
        const double a = -0.5;
        t = Math.Abs(t);
        return t <= 1 ? ((a + 2) * t * t * t) - ((a + 3) * t * t) + 1
            : t < 2 ? (a * t * t * t) - (5 * a * t * t) + (8 * a * t) - (4 * a)
            : 0;
    }
}
