namespace EdgeJobs.Agent.Alignment;

/// <summary>
/// Where a reference pixel p is found in the source: q = scale · R(angle) · (p − center) + center + (dx, dy),
/// in pixel coordinates (x right, y down). Translation mode keeps angle 0 and scale 1.
/// </summary>
public readonly record struct SimilarityTransform(double AngleRadians, double Scale, double Dx, double Dy, double CenterX, double CenterY)
{
    public static SimilarityTransform Identity(double centerX, double centerY) => new(0, 1, 0, 0, centerX, centerY);

    public (double X, double Y) Apply(double x, double y)
    {
        var (cos, sin) = (Math.Cos(AngleRadians) * Scale, Math.Sin(AngleRadians) * Scale);
        var (u, v) = (x - CenterX, y - CenterY);
        return ((cos * u) - (sin * v) + CenterX + Dx, (sin * u) + (cos * v) + CenterY + Dy);
    }

    /// <summary>As an affine map q = (a·x + b·y + c, d·x + e·y + f).</summary>
    public (double A, double B, double C, double D, double E, double F) Affine()
    {
        var (cos, sin) = (Math.Cos(AngleRadians) * Scale, Math.Sin(AngleRadians) * Scale);
        return (cos, -sin, CenterX + Dx - (cos * CenterX) + (sin * CenterY),
                sin, cos, CenterY + Dy - (sin * CenterX) - (cos * CenterY));
    }

    /// <summary>Where a source pixel q comes from in the reference: M⁻¹ q.</summary>
    public (double X, double Y) Invert(double x, double y)
    {
        var (cos, sin) = (Math.Cos(AngleRadians) / Scale, Math.Sin(AngleRadians) / Scale);
        var (u, v) = (x - CenterX - Dx, y - CenterY - Dy);
        return ((cos * u) + (sin * v) + CenterX, (-sin * u) + (cos * v) + CenterY);
    }

    public double AngleDegrees => AngleRadians * 180 / Math.PI;
}
