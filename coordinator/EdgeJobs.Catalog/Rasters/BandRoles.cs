namespace EdgeJobs.Catalog.Rasters;

/// <summary>
/// Which 1-based band holds which part of the spectrum, as the named indices and the band-composite
/// presets read them; null where the raster has no such band (a band filter names only the bands it has).
/// </summary>
public sealed record BandRoles(int? Blue, int? Green, int? Red, int? Nir, int? RedEdge)
{
    /// <summary>
    /// Landsat's order for the first four (blue 1, green 2, red 3, nir 4), and red edge 5 as MicaSense
    /// RedEdge cameras write it (blue, green, red, nir, red edge), so one default fits both.
    /// </summary>
    public static BandRoles Defaults { get; } = new(1, 2, 3, 4, 5);

    /// <summary>The names a template or a preset uses, as the params spell them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["blue", "green", "red", "nir", "red_edge"];

    public int? Of(string role) => role switch
    {
        "blue" => Blue,
        "green" => Green,
        "red" => Red,
        "nir" => Nir,
        "red_edge" => RedEdge,
        _ => throw new ArgumentException($"no band role '{role}'", nameof(role)),
    };
}
