using System.Collections.Frozen;
using System.Text.RegularExpressions;
using EdgeJobs.Catalog.Tools;

namespace EdgeJobs.Catalog.Rasters;

/// <summary>
/// Named spectral indices as formulas over band roles, DroneDB's set where this expression language can
/// say them. EVI, SAVI and OSAVI use their standard constants, which assume surface reflectance in 0..1;
/// scale digital numbers with an explicit formula instead.
/// </summary>
public static partial class SpectralIndices
{
    /// <summary>A formula over <c>{role}</c> placeholders, and the range its values fall in when it has one.</summary>
    private sealed record Index(string Template, (double Min, double Max)? Range);

    private static readonly (double, double) s_unit = (-1, 1);

    private static readonly FrozenDictionary<string, Index> s_indices = new Dictionary<string, Index>(StringComparer.OrdinalIgnoreCase)
    {
        ["ndvi"] = new("({nir} - {red}) / ({nir} + {red})", s_unit),
        ["ndwi"] = new("({green} - {nir}) / ({green} + {nir})", s_unit),
        ["evi"] = new("2.5 * ({nir} - {red}) / ({nir} + 6 * {red} - 7.5 * {blue} + 1)", s_unit),
        ["savi"] = new("1.5 * ({nir} - {red}) / ({nir} + {red} + 0.5)", s_unit),
        ["gndvi"] = new("({nir} - {green}) / ({nir} + {green})", s_unit),
        ["ndre"] = new("({nir} - {red_edge}) / ({nir} + {red_edge})", s_unit),
        ["osavi"] = new("({nir} - {red}) / ({nir} + {red} + 0.16)", s_unit),
        // RGB-only indices, for cameras without a near-infrared band.
        ["vari"] = new("({green} - {red}) / ({green} + {red} - {blue})", s_unit),
        ["gli"] = new("(2 * {green} - {red} - {blue}) / (2 * {green} + {red} + {blue})", s_unit),
        // Excess green has no fixed range: a colour map over it needs an explicit rescale.
        ["exg"] = new("2 * {green} - ({red} + {blue})", null),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<string> Names { get; } = ["ndvi", "ndwi", "evi", "savi", "gndvi", "ndre", "osavi", "vari", "gli", "exg"];

    public static bool IsIndex(string formula) => s_indices.ContainsKey(formula.Trim());

    /// <summary>The roles an index reads, in the order its template names them first; empty for any other formula.</summary>
    public static IReadOnlyList<string> RolesOf(string formula) =>
        s_indices.TryGetValue(formula.Trim(), out var index)
            ? [.. Placeholder().Matches(index.Template).Select(m => m.Groups[1].Value).Distinct()]
            : [];

    /// <summary>The expression of a named index with the roles bound to band numbers, or null for any other formula.</summary>
    public static string? Expand(string formula, SpectralBands bands) => ExpandOver(formula, bands.ToRoles());

    /// <summary>
    /// The expression of a named index with the roles bound to band numbers, or null for any other formula.
    /// A role the index reads must be bound (check <see cref="RolesOf"/> against the roles first).
    /// </summary>
    public static string? ExpandOver(string formula, BandRoles roles) =>
        s_indices.TryGetValue(formula.Trim(), out var index)
            ? Placeholder().Replace(index.Template, m => "b" + (roles.Of(m.Groups[1].Value)
                ?? throw new ArgumentException($"{formula} reads the {m.Groups[1].Value} band, which the roles do not name", nameof(roles))))
            : null;

    /// <summary>The natural value range of a named index, used to stretch it when no rescale is given.</summary>
    public static (double Min, double Max)? NaturalRange(string formula) =>
        s_indices.TryGetValue(formula.Trim(), out var index) ? index.Range : null;

    [GeneratedRegex(@"\{([a-z_]+)\}")]
    private static partial Regex Placeholder();
}
