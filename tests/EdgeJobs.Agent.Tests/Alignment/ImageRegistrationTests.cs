using System.Numerics;
using EdgeJobs.Agent.Alignment;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests.Alignment;

/// <summary>Registration on the real Landsat scene, warped in-process by known transforms.</summary>
[Category("gdal")]
public class ImageRegistrationTests
{
    private static Image Landsat(int band)
    {
        var (pixels, _, width, height) = RasterOracles.ReadBand(Samples.Path("L7_ETMs.tif"), band);
        return new Image(pixels, width, height);
    }

    /// <summary>source(q) = reference(M⁻¹ q): the reference pixel p appears at M p in the source.</summary>
    private static Image Warp(Image reference, SimilarityTransform m)
    {
        var pixels = new float[reference.Width * reference.Height];
        for (var y = 0; y < reference.Height; y++)
        {
            for (var x = 0; x < reference.Width; x++)
            {
                var (px, py) = m.Invert(x, y);
                pixels[(y * reference.Width) + x] = (float)reference.Sample(px, py);
            }
        }

        return new Image(pixels, reference.Width, reference.Height);
    }

    [Test]
    public async Task fft_round_trips_and_phase_correlation_finds_an_integer_shift()
    {
        var n = 64;
        var random = new Random(3);
        var data = Enumerable.Range(0, n * n).Select(_ => new Complex(random.NextDouble(), 0)).ToArray();
        var copy = (Complex[])data.Clone();
        Fft2D.Forward(copy, n);
        Fft2D.Inverse(copy, n);
        await Assert.That(data.Zip(copy).Max(p => (p.First - p.Second).Magnitude)).IsLessThan(1e-9);

        var a = Enumerable.Range(0, n * n).Select(_ => (float)random.NextDouble()).ToArray();
        var b = new float[n * n];
        for (var y = 0; y < n; y++)
        {
            for (var x = 0; x < n; x++)
            {
                b[(y * n) + x] = a[((((y - 5) % n) + n) % n * n) + ((((x + 3) % n) + n) % n)];
            }
        }

        var (sx, sy) = ImageRegistration.PhaseCorrelation(a, b, n);
        await Assert.That(Math.Abs(sx - -3)).IsLessThan(0.01);
        await Assert.That(Math.Abs(sy - 5)).IsLessThan(0.01);
    }

    [Test]
    public async Task invert_undoes_apply()
    {
        var m = new SimilarityTransform(0.3, 1.2, 4.5, -2.25, 100, 80);
        var (x, y) = m.Invert(m.Apply(17.25, 203.5).X, m.Apply(17.25, 203.5).Y);

        await Assert.That(Math.Abs(x - 17.25) + Math.Abs(y - 203.5)).IsLessThan(1e-9);
    }

    [Test]
    [Arguments(2.3, -1.7)]
    [Arguments(-0.4, 0.25)]
    [Arguments(7.6, 3.1)]
    public async Task translation_mode_recovers_a_sub_pixel_shift_within_a_tenth_of_a_pixel(double dx, double dy)
    {
        var reference = Landsat(4);
        var truth = new SimilarityTransform(0, 1, dx, dy, 0, 0);
        var source = Warp(reference, truth);

        var result = ImageRegistration.Register(reference, source, 256, similarity: false, CancellationToken.None);

        await Assert.That(Math.Abs(result.Transform.Dx - dx)).IsLessThanOrEqualTo(0.1);
        await Assert.That(Math.Abs(result.Transform.Dy - dy)).IsLessThanOrEqualTo(0.1);
        await Assert.That(result.Ncc).IsGreaterThan(result.NccBefore);
    }

    [Test]
    [Arguments(2.0, 1.03, 1.5, -2.25)]
    [Arguments(-3.5, 0.97, -0.6, 0.8)]
    public async Task similarity_mode_recovers_a_small_rotation_and_scale(double degrees, double scale, double dx, double dy)
    {
        var reference = Landsat(4);
        var centre = (reference.Width - 1) / 2.0;
        var truth = new SimilarityTransform(degrees * Math.PI / 180, scale, dx, dy, centre, (reference.Height - 1) / 2.0);
        var source = Warp(reference, truth);

        var result = ImageRegistration.Register(reference, source, 256, similarity: true, CancellationToken.None);

        // Compare where the transforms send the window's corners: one number for angle, scale and shift together.
        var worst = new[] { (50.0, 50.0), (300.0, 50.0), (50.0, 300.0), (300.0, 300.0) }.Max(p =>
        {
            var (ex, ey) = truth.Apply(p.Item1, p.Item2);
            var (ax, ay) = result.Transform.Apply(p.Item1, p.Item2);
            return Math.Sqrt(((ex - ax) * (ex - ax)) + ((ey - ay) * (ey - ay)));
        });
        await Assert.That(Math.Abs(result.Transform.AngleDegrees - degrees)).IsLessThanOrEqualTo(0.05);
        await Assert.That(Math.Abs(result.Transform.Scale - scale)).IsLessThanOrEqualTo(0.001);
        await Assert.That(worst).IsLessThanOrEqualTo(0.2);
    }
}
