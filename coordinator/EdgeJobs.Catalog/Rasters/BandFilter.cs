namespace EdgeJobs.Catalog.Rasters;

/// <summary>
/// DroneDB's band filter: one letter per band, in band order, saying what each band is. <c>"RGBN"</c>
/// is red 1, green 2, blue 3, nir 4; <c>"BGRNRe"</c> a MicaSense RedEdge. Letters: R, G, B, N (near
/// infrared), Re (red edge), and T (thermal), L (long-wave infrared), P (panchromatic) for bands no
/// index reads. Case does not matter ("RE" is red edge: there is no E on its own).
/// </summary>
public static class BandFilter
{
    public const string Letters = "R, G, B, N, Re (red edge), T (thermal), L (LWIR), P (panchromatic)";

    /// <summary>The roles a filter names, or why it is not a filter.</summary>
    public static (BandRoles? Roles, string? Error) Parse(string filter)
    {
        var text = filter.Trim().ToUpperInvariant();
        if (text.Length == 0)
        {
            return (null, "must name the bands, e.g. \"RGBN\": " + Letters);
        }

        int? blue = null, green = null, red = null, nir = null, redEdge = null;
        var band = 0;
        for (var i = 0; i < text.Length; i++)
        {
            band++;
            var letter = text[i] == 'R' && i + 1 < text.Length && text[i + 1] == 'E' ? "Re" : text[i].ToString();
            i += letter.Length - 1;
            var error = letter switch
            {
                "R" => Assign(ref red),
                "G" => Assign(ref green),
                "B" => Assign(ref blue),
                "N" => Assign(ref nir),
                "Re" => Assign(ref redEdge),
                "T" or "L" or "P" => null,
                _ => $"'{text[i]}' (band {band}) is not a band letter: {Letters}",
            };
            if (error is not null)
            {
                return (null, error);
            }

            string? Assign(ref int? role)
            {
                if (role is not null)
                {
                    return $"names {letter} twice (bands {role} and {band})";
                }

                role = band;
                return null;
            }
        }

        return (new BandRoles(blue, green, red, nir, redEdge), null);
    }
}
