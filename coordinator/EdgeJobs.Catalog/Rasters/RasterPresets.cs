using System.Collections.Frozen;

namespace EdgeJobs.Catalog.Rasters;

/// <summary>
/// DroneDB's named visualisations for <c>raster-export</c>. A preset only fills in the params left out:
/// a band composite sets the band selection (from the band roles, so <c>bands {…}</c> or <c>band_filter</c>
/// point it at a sensor's bands), an index preset sets the formula and the colour map. Names are DroneDB's
/// ids, with the other names the same visualisation goes by, matched case-insensitively.
/// </summary>
public static class RasterPresets
{
    /// <summary>A preset: the roles of a band composite in output order, or an index and its colour map.</summary>
    public sealed record Preset(string Name, string Summary, IReadOnlyList<string>? Composite = null, string? Formula = null, string? Colormap = null);

    private static readonly Preset[] s_presets =
    [
        new("true-color", "red, green, blue bands as RGB", Composite: ["red", "green", "blue"]),
        new("false-color-ir", "colour infrared: nir, red, green bands as RGB", Composite: ["nir", "red", "green"]),
        new("ndvi", "NDVI coloured by rdylgn over -1..1", Formula: "ndvi", Colormap: "rdylgn"),
        new("ndwi", "NDWI coloured by bugn over -1..1", Formula: "ndwi", Colormap: "bugn"),
        new("gndvi", "green NDVI coloured by rdylgn over -1..1", Formula: "gndvi", Colormap: "rdylgn"),
        new("ndre", "NDRE (red edge) coloured by rdylgn over -1..1", Formula: "ndre", Colormap: "rdylgn"),
        new("vari", "VARI (RGB only) coloured by rdylgn over -1..1", Formula: "vari", Colormap: "rdylgn"),
        new("evi", "EVI coloured by rdylgn over -1..1", Formula: "evi", Colormap: "rdylgn"),
        new("savi", "SAVI coloured by rdylgn over -1..1", Formula: "savi", Colormap: "rdylgn"),
    ];

    /// <summary>Other names users know the same presets by (titiler's, GIS habit).</summary>
    private static readonly (string Alias, string Name)[] s_aliases =
    [
        ("truecolor", "true-color"), ("true-colour", "true-color"), ("natural-color", "true-color"), ("rgb", "true-color"),
        ("false-color", "false-color-ir"), ("false-color-infrared", "false-color-ir"), ("falsecolor", "false-color-ir"),
        ("false-colour", "false-color-ir"), ("color-infrared", "false-color-ir"), ("cir", "false-color-ir"), ("nrg", "false-color-ir"),
    ];

    private static readonly FrozenDictionary<string, Preset> s_byName = s_presets.Select(p => (p.Name, Preset: p))
        .Concat(s_aliases.Select(a => (Name: a.Alias, Preset: s_presets.Single(p => p.Name == a.Name))))
        .ToFrozenDictionary(p => p.Name, p => p.Preset, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every accepted name, the presets' own first, then the aliases.</summary>
    public static IReadOnlyList<string> AllNames { get; } = [.. s_presets.Select(p => p.Name), .. s_aliases.Select(a => a.Alias)];

    public static IReadOnlyList<Preset> All => s_presets;

    public static Preset? Find(string name) => s_byName.GetValueOrDefault(name.Trim());

    /// <summary>The presets for a param description: "true-color (red, green, blue bands as RGB; also rgb, …)".</summary>
    public static string Describe() => string.Join("; ", s_presets.Select(p =>
    {
        var aliases = s_aliases.Where(a => a.Name == p.Name).Select(a => a.Alias).ToList();
        return $"{p.Name}: {p.Summary}" + (aliases.Count > 0 ? $" (also {string.Join(", ", aliases)})" : "");
    }));
}
