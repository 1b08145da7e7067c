using System.Numerics;

namespace EdgeJobs.Agent.Alignment;

/// <summary>
/// Finds the similarity transform (or translation) that maps a reference image onto a source image:
/// phase correlation for a coarse estimate — on log-polar magnitude spectra for rotation and scale
/// (Reddy and Chatterji, 1996), then on the images for the shift — and normalised cross-correlation
/// (NCC, bicubic sampling) maximised by Nelder–Mead for the sub-pixel answer.
/// </summary>
public static class ImageRegistration
{
    /// <summary>The transform, and the NCC of the reference with the source seen through it (1 = identical).</summary>
    public sealed record Result(SimilarityTransform Transform, double Ncc, double NccBefore);

    /// <summary>
    /// Registers <paramref name="source"/> to <paramref name="reference"/>, images in the same pixel frame
    /// (NaN = no data; the source at least as large). The coarse steps use the central window of
    /// <paramref name="window"/>² pixels (a power of two); NCC uses all of it.
    /// </summary>
    public static Result Register(Image reference, Image source, int window, bool similarity, CancellationToken cancellation)
    {
        var x0 = (reference.Width - window) / 2;
        var y0 = (reference.Height - window) / 2;
        if (x0 < 0 || y0 < 0 || source.Width < reference.Width || source.Height < reference.Height)
        {
            throw new ArgumentException($"a {window}² window does not fit the {reference.Width}×{reference.Height} reference inside the source");
        }

        var (cx, cy) = (x0 + ((window - 1) / 2.0), y0 + ((window - 1) / 2.0));
        var referenceWindow = reference.Crop(x0, y0, window);
        var identity = SimilarityTransform.Identity(cx, cy);
        var ncc = new NccObjective(reference, source, x0, y0, window);
        var before = ncc.Evaluate(identity);

        // Coarse: candidate rotations/scales (the spectrum cannot tell θ from θ+π, nor which way the scale
        // sign runs), each completed by a phase-correlated shift; NCC picks the best.
        List<(double Angle, double Scale)> candidates = [(0, 1)];
        if (similarity)
        {
            var (angle, logScale) = RotationAndScale(referenceWindow, source.Crop(x0, y0, window), window);
            foreach (var a in new[] { angle, -angle, angle + Math.PI, -angle + Math.PI })
            {
                foreach (var s in new[] { Math.Exp(logScale), Math.Exp(-logScale) })
                {
                    candidates.Add((a, s));
                }
            }
        }

        var best = identity;
        var bestScore = before;
        foreach (var (angle, scale) in candidates)
        {
            cancellation.ThrowIfCancellationRequested();
            var turned = new SimilarityTransform(angle, scale, 0, 0, cx, cy);
            // turned-source(p) = source(M0 p) = reference(p − t); then d = s·R·t.
            var resampled = source.Resample(turned, x0, y0, window);
            var (tx, ty) = PhaseCorrelation(referenceWindow, resampled, window);
            var (cos, sin) = (Math.Cos(angle) * scale, Math.Sin(angle) * scale);
            var candidate = turned with { Dx = (cos * tx) - (sin * ty), Dy = (sin * tx) + (cos * ty) };
            var score = ncc.Evaluate(candidate);
            if (score > bestScore)
            {
                (best, bestScore) = (candidate, score);
            }
        }

        // Fine: NCC over the full window, sub-pixel.
        var refined = similarity
            ? NelderMead.Minimize(v => -ncc.Evaluate(best with { AngleRadians = v[0], Scale = Math.Exp(v[1]), Dx = v[2], Dy = v[3] }),
                [best.AngleRadians, Math.Log(best.Scale), best.Dx, best.Dy], [0.01, 0.01, 0.5, 0.5], 1e-9, 2000, cancellation)
            : NelderMead.Minimize(v => -ncc.Evaluate(best with { Dx = v[0], Dy = v[1] }), [best.Dx, best.Dy], [0.5, 0.5], 1e-9, 1000, cancellation);
        var result = similarity
            ? best with { AngleRadians = refined[0], Scale = Math.Exp(refined[1]), Dx = refined[2], Dy = refined[3] }
            : best with { Dx = refined[0], Dy = refined[1] };
        return new Result(result, ncc.Evaluate(result), before);
    }

    /// <summary>
    /// The shift t with b(p) ≈ a(p − t): the peak of the normalised cross-power spectrum's inverse, refined
    /// to sub-pixel by a parabola through the peak and its neighbours in x and in y.
    /// </summary>
    public static (double X, double Y) PhaseCorrelation(float[] a, float[] b, int n)
    {
        var fa = Spectrum(a, n);
        var fb = Spectrum(b, n);
        for (var i = 0; i < fa.Length; i++)
        {
            var cross = fb[i] * Complex.Conjugate(fa[i]);
            var magnitude = cross.Magnitude;
            fa[i] = magnitude > 1e-12 ? cross / magnitude : Complex.Zero;
        }

        Fft2D.Inverse(fa, n);
        var peak = 0;
        for (var i = 1; i < fa.Length; i++)
        {
            if (fa[i].Real > fa[peak].Real)
            {
                peak = i;
            }
        }

        var (px, py) = (peak % n, peak / n);
        double At(int x, int y) => fa[(((y % n) + n) % n * n) + (((x % n) + n) % n)].Real;
        var sx = px + Parabola(At(px - 1, py), At(px, py), At(px + 1, py));
        var sy = py + Parabola(At(px, py - 1), At(px, py), At(px, py + 1));
        // Past the middle, a peak is a negative shift (the transform wraps around).
        return (sx > n / 2.0 ? sx - n : sx, sy > n / 2.0 ? sy - n : sy);
    }

    /// <summary>
    /// Rotation (radians, up to the θ/θ+π ambiguity) and log-scale between two windows, from the phase
    /// correlation of their high-passed magnitude spectra resampled to log-polar coordinates.
    /// </summary>
    private static (double Angle, double LogScale) RotationAndScale(float[] reference, float[] source, int n)
    {
        var logBase = Math.Log(n / 2.0) / n;
        var a = LogPolar(Magnitude(reference, n), n, logBase);
        var b = LogPolar(Magnitude(source, n), n, logBase);
        var (shiftRho, shiftTheta) = PhaseCorrelation(a, b, n);
        return (shiftTheta * Math.PI / n, shiftRho * logBase);
    }

    /// <summary>|FFT| of the Hann-windowed image, centred (DC in the middle) and high-passed.</summary>
    private static float[] Magnitude(float[] image, int n)
    {
        var f = Spectrum(image, n);
        var magnitude = new float[n * n];
        for (var y = 0; y < n; y++)
        {
            for (var x = 0; x < n; x++)
            {
                var (u, v) = (((x + (n / 2)) % n) - (n / 2), ((y + (n / 2)) % n) - (n / 2));
                var h = Math.Cos(Math.PI * u / n) * Math.Cos(Math.PI * v / n);
                magnitude[((v + (n / 2)) * n) + u + (n / 2)] = (float)(f[(y * n) + x].Magnitude * (1 - h) * (2 - h));
            }
        }

        return magnitude;
    }

    /// <summary>Rows are angles over [0, π), columns log-radii from 1 to n/2; bilinear.</summary>
    private static float[] LogPolar(float[] magnitude, int n, double logBase)
    {
        var output = new float[n * n];
        var centre = n / 2.0;
        for (var t = 0; t < n; t++)
        {
            var theta = Math.PI * t / n;
            var (cos, sin) = (Math.Cos(theta), Math.Sin(theta));
            for (var r = 0; r < n; r++)
            {
                var radius = Math.Exp(r * logBase);
                output[(t * n) + r] = Bilinear(magnitude, n, centre + (radius * cos), centre - (radius * sin));
            }
        }

        return output;
    }

    private static float Bilinear(float[] image, int n, double x, double y)
    {
        var (x0, y0) = ((int)Math.Floor(x), (int)Math.Floor(y));
        if (x0 < 0 || y0 < 0 || x0 + 1 >= n || y0 + 1 >= n)
        {
            return 0;
        }

        var (fx, fy) = (x - x0, y - y0);
        var top = (image[(y0 * n) + x0] * (1 - fx)) + (image[(y0 * n) + x0 + 1] * fx);
        var bottom = (image[((y0 + 1) * n) + x0] * (1 - fx)) + (image[((y0 + 1) * n) + x0 + 1] * fx);
        return (float)((top * (1 - fy)) + (bottom * fy));
    }

    /// <summary>FFT of the image minus its mean, Hann-windowed (edges would otherwise dominate); NaN counts as the mean.</summary>
    private static Complex[] Spectrum(float[] image, int n)
    {
        double sum = 0;
        var count = 0;
        foreach (var v in image)
        {
            if (!float.IsNaN(v))
            {
                sum += v;
                count++;
            }
        }

        var mean = count > 0 ? sum / count : 0;
        var f = new Complex[n * n];
        for (var y = 0; y < n; y++)
        {
            var wy = 0.5 - (0.5 * Math.Cos(2 * Math.PI * y / n));
            for (var x = 0; x < n; x++)
            {
                var v = image[(y * n) + x];
                var wx = 0.5 - (0.5 * Math.Cos(2 * Math.PI * x / n));
                f[(y * n) + x] = new Complex(float.IsNaN(v) ? 0 : (v - mean) * wx * wy, 0);
            }
        }

        Fft2D.Forward(f, n);
        return f;
    }

    /// <summary>Offset of a parabola's vertex through (−1, l), (0, c), (1, r) from 0, clamped to ±0.5.</summary>
    private static double Parabola(double left, double centre, double right)
    {
        var denominator = left - (2 * centre) + right;
        return Math.Abs(denominator) < 1e-12 ? 0 : Math.Clamp(0.5 * (left - right) / denominator, -0.5, 0.5);
    }
}
