using System.Collections.Frozen;

namespace EdgeJobs.Catalog.Rasters;

/// <summary>
/// Named colour maps as colour stops over 0..255, expanded to a 256-entry table the way
/// <c>gdaldem color-relief</c> interpolates between the entries of a colour file, so one can be
/// checked against the other. Names are matplotlib's and titiler's, lower case, matched case-insensitively;
/// every map also comes reversed as <c>name_r</c>, as in matplotlib and titiler.
/// </summary>
public static partial class Colormaps
{
    /// <summary>A stop: at <see cref="Position"/> (0..1 of the 0..255 range), this colour.</summary>
    public readonly record struct Stop(double Position, byte R, byte G, byte B);

    private const string ReversedSuffix = "_r";

    /// <summary>The maps defined by hand; the listed and ColorBrewer ones are generated (<c>Colormaps.*.cs</c>).</summary>
    private static readonly (string Name, Stop[] Stops)[] s_own =
    [
        // Black (low) to white (high). Unlike matplotlib's greys (white to black in 9 ColorBrewer classes):
        // this is what greys has always meant here, and exports made with it must not turn negative.
        ("greys", Even(0x000000, 0xffffff)),
        // matplotlib's gray, and the names DroneDB gives the same ramp.
        ("gray", Even(0x000000, 0xffffff)),
        ("grayscale", Even(0x000000, 0xffffff)),
        ("whitehot", Even(0x000000, 0xffffff)),
        ("blackhot", Even(0xffffff, 0x000000)),
        // matplotlib's terrain: deep water blue, shallow blue, green lowlands, sand, brown, snow.
        ("terrain",
        [
            new(0.00, 51, 51, 153), new(0.15, 0, 153, 255), new(0.25, 0, 204, 102),
            new(0.50, 255, 255, 153), new(0.75, 128, 92, 84), new(1.00, 255, 255, 255),
        ]),
    ];

    /// <summary>Every map, generated ones first. Built here, after <see cref="s_own"/>: fields of one file initialise in order.</summary>
    private static readonly (string Name, Stop[] Stops)[] s_all = [.. ListedMaps(), .. BrewerMaps(), .. s_own];

    private static readonly FrozenDictionary<string, Stop[]> s_maps = Build();

    /// <summary>
    /// Every map's name, the four this tool started with first (their order is in error messages clients
    /// have seen), each followed by nothing else: the reversed variants are in <see cref="AllNames"/>.
    /// </summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "rdylgn", "viridis", "greys", "terrain",
        .. s_all.Select(m => m.Name).Where(n => n is not ("rdylgn" or "viridis" or "greys" or "terrain")),
    ];

    /// <summary>The names and their reversed variants.</summary>
    public static IReadOnlyList<string> AllNames { get; } = [.. Names, .. Names.Select(n => n + ReversedSuffix)];

    public static bool Exists(string name) => s_maps.ContainsKey(name);

    public static IReadOnlyList<Stop> Stops(string name) =>
        s_maps.TryGetValue(name, out var stops) ? stops : throw new ArgumentException($"no colormap '{name}'", nameof(name));

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

    private static FrozenDictionary<string, Stop[]> Build()
    {
        var maps = new Dictionary<string, Stop[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, stops) in s_all)
        {
            maps.Add(name, stops);
            maps.Add(name + ReversedSuffix, [.. stops.Reverse().Select(s => s with { Position = 1 - s.Position })]);
        }

        return maps.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    private static Stop[] Even(params int[] colours) =>
        [.. colours.Select((c, i) => new Stop((double)i / (colours.Length - 1), (byte)(c >> 16), (byte)(c >> 8), (byte)c))];
}
