namespace EdgeJobs.Agent.Alignment;

/// <summary>
/// Normalised cross-correlation of a reference window with the source seen through a transform, over the
/// pixels valid in both. Between −1 and 1; 1 when they agree up to brightness and contrast.
/// </summary>
internal sealed class NccObjective(Image reference, Image source, int x0, int y0, int n)
{
    public double Evaluate(SimilarityTransform transform)
    {
        double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
        var count = 0;
        for (var y = 0; y < n; y++)
        {
            var row = (y0 + y) * reference.Width;
            for (var x = 0; x < n; x++)
            {
                double a = reference.Pixels[row + x0 + x];
                var (sx, sy) = transform.Apply(x0 + x, y0 + y);
                var b = source.Sample(sx, sy);
                if (double.IsNaN(a) || double.IsNaN(b))
                {
                    continue;
                }

                sa += a;
                sb += b;
                saa += a * a;
                sbb += b * b;
                sab += a * b;
                count++;
            }
        }

        // Too little overlap is no evidence of alignment.
        if (count < n * n / 4)
        {
            return -1;
        }

        var covariance = sab - (sa * sb / count);
        var variance = (saa - (sa * sa / count)) * (sbb - (sb * sb / count));
        return variance > 0 ? covariance / Math.Sqrt(variance) : -1;
    }
}
