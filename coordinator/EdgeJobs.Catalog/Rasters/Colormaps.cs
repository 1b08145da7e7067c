using System.Collections.Frozen;

namespace EdgeJobs.Catalog.Rasters;

/// <summary>
/// Named colour maps as colour stops over 0..255, expanded to a 256-entry table the way
/// <c>gdaldem color-relief</c> interpolates between the entries of a colour file, so one can be
/// checked against the other.
/// </summary>
public static class Colormaps
{
    /// <summary>A stop: at <see cref="Position"/> (0..1 of the 0..255 range), this colour.</summary>
    public readonly record struct Stop(double Position, byte R, byte G, byte B);

    private static readonly FrozenDictionary<string, Stop[]> s_maps = new Dictionary<string, Stop[]>(StringComparer.Ordinal)
    {
        // ColorBrewer RdYlGn, 11 classes: red (low) through yellow to green (high) — the NDVI classic.
        ["rdylgn"] = Even(0xa50026, 0xd73027, 0xf46d43, 0xfdae61, 0xfee08b, 0xffffbf, 0xd9ef8b, 0xa6d96a, 0x66bd63, 0x1a9850, 0x006837),
        // matplotlib's viridis sampled at 10 even stops.
        ["viridis"] = Even(0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779, 0x6dcd59, 0xb4de2c, 0xfde725),
        // Black (low) to white (high).
        ["greys"] = Even(0x000000, 0xffffff),
        // matplotlib's terrain: deep water blue, shallow blue, green lowlands, sand, brown, snow.
        ["terrain"] =
        [
            new(0.00, 51, 51, 153), new(0.15, 0, 153, 255), new(0.25, 0, 204, 102),
            new(0.50, 255, 255, 153), new(0.75, 128, 92, 84), new(1.00, 255, 255, 255),
        ],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IReadOnlyList<string> Names { get; } = ["rdylgn", "viridis", "greys", "terrain"];

    public static IReadOnlyList<Stop> Stops(string name) => s_maps[name];

    /// <summary>
    /// The colour of each value 0..255, as r, g, b triples (768 bytes). Between two stops each channel is
    /// interpolated linearly and truncated after adding 0.45, as <c>gdaldem color-relief</c> does.
    /// </summary>
    public static byte[] Table(string name)
    {
        var stops = s_maps.TryGetValue(name, out var s) ? s : throw new ArgumentException($"no colormap '{name}'", nameof(name));
        var table = new byte[256 * 3];
        for (var value = 0; value < 256; value++)
        {
            var upper = 1;
            while (upper < stops.Length - 1 && stops[upper].Position * 255 < value)
            {
                upper++;
            }

            var (lo, hi) = (stops[upper - 1], stops[upper]);
            var ratio = Math.Clamp((value - (lo.Position * 255)) / ((hi.Position - lo.Position) * 255), 0, 1);
            table[value * 3] = Channel(lo.R, hi.R, ratio);
            table[(value * 3) + 1] = Channel(lo.G, hi.G, ratio);
            table[(value * 3) + 2] = Channel(lo.B, hi.B, ratio);
        }

        return table;

        static byte Channel(byte lo, byte hi, double ratio) => (byte)(int)(0.45 + lo + (ratio * (hi - lo)));
    }

    private static Stop[] Even(params int[] colours) =>
        [.. colours.Select((c, i) => new Stop((double)i / (colours.Length - 1), (byte)(c >> 16), (byte)(c >> 8), (byte)c))];
}
