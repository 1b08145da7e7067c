using System.Collections.Frozen;
using EdgeJobs.Catalog.Tools;

namespace EdgeJobs.Catalog.Rasters;

/// <summary>
/// Named spectral indices as formulas over band roles. EVI and SAVI use their standard constants, which
/// assume surface reflectance in 0..1; scale digital numbers with an explicit formula instead.
/// </summary>
public static class SpectralIndices
{
    private static readonly FrozenDictionary<string, string> s_templates = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["ndvi"] = "(nir - red) / (nir + red)",
        ["ndwi"] = "(green - nir) / (green + nir)",
        ["evi"] = "2.5 * (nir - red) / (nir + 6 * red - 7.5 * blue + 1)",
        ["savi"] = "1.5 * (nir - red) / (nir + red + 0.5)",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<string> Names { get; } = ["ndvi", "ndwi", "evi", "savi"];

    public static bool IsIndex(string formula) => s_templates.ContainsKey(formula.Trim());

    /// <summary>The expression of a named index with the roles bound to band numbers, or null for any other formula.</summary>
    public static string? Expand(string formula, SpectralBands bands) =>
        s_templates.TryGetValue(formula.Trim(), out var template)
            ? template.Replace("blue", $"b{bands.Blue}", StringComparison.Ordinal)
                .Replace("green", $"b{bands.Green}", StringComparison.Ordinal)
                .Replace("red", $"b{bands.Red}", StringComparison.Ordinal)
                .Replace("nir", $"b{bands.Nir}", StringComparison.Ordinal)
            : null;

    /// <summary>The natural value range of a named index, used to stretch it when no rescale is given.</summary>
    public static (double Min, double Max)? NaturalRange(string formula) => IsIndex(formula) ? (-1, 1) : null;
}
