using EdgeJobs.Catalog.Rasters;

namespace EdgeJobs.Coordinator.Tiles;

/// <summary>
/// How a tile's values become colours, as <c>raster-export</c> takes them: <c>rescale</c> (<c>min,max</c> or
/// <c>min,max,to_min,to_max</c>, one for all bands or one per band) stretches linearly to 0..255, clamped and rounded;
/// <c>colormap</c> (a single band only) colours the stretched value. Without a rescale, Byte bands show as they are and
/// other types stretch from the band's minimum to its maximum. One band shows grey (or coloured), three or more as RGB
/// of the first three; pixels outside the raster or nodata are transparent.
/// </summary>
public sealed class TileStyle
{
    private readonly IReadOnlyList<double[]> _rescales;
    private readonly byte[]? _colormap;

    private TileStyle(IReadOnlyList<double[]> rescales, string? colormap)
    {
        _rescales = rescales;
        Colormap = colormap;
        _colormap = colormap is null ? null : Colormaps.Table(colormap);
    }

    public string? Colormap { get; }

    /// <summary>The style's text, for the tile's ETag: equal styles make equal tiles.</summary>
    public string Key => string.Join(';', _rescales.Select(r => string.Join(',', r))) + "|" + Colormap;

    /// <summary>The style the query asks for, or the reason it is not one (naming the parameter).</summary>
    public static (TileStyle? Style, string? Parameter, string? Error) Parse(IReadOnlyList<string> rescales, string? colormap)
    {
        var parsed = new List<double[]>();
        foreach (var text in rescales)
        {
            var (values, error) = RescaleText.Parse(text);
            if (values is null)
            {
                return (null, "rescale", error);
            }

            if (values[0] == values[1])
            {
                return (null, "rescale", "min and max must differ");
            }

            parsed.Add(values);
        }

        if (colormap is not null)
        {
            var name = Colormaps.AllNames.FirstOrDefault(n => n.Equals(colormap, StringComparison.OrdinalIgnoreCase));
            if (name is null)
            {
                return (null, "colormap", $"'{(colormap.Length > 40 ? colormap[..40] : colormap)}' is not a colour map; known: {string.Join(", ", Colormaps.Names)} (each also as NAME_r)");
            }

            colormap = name;
        }

        return (new TileStyle(parsed, colormap), null, null);
    }

    /// <summary>Why this style cannot colour a raster with <paramref name="bands"/> bands; null when it can.</summary>
    public string? Refusal(int bands) =>
        _colormap is not null && bands >= 3 ? "colormap is for a single-band raster; this one has " + bands + " bands"
        : _rescales.Count > 1 && _rescales.Count != Math.Min(bands, 3) ? $"give one rescale, or one per shown band ({Math.Min(bands, 3)})"
        : null;

    /// <summary>The tile as RGBA bytes.</summary>
    public byte[] Apply(WarpedTile tile, RasterTileFacts facts)
    {
        var pixels = tile.Valid.Length;
        var rgba = new byte[pixels * 4];
        var shown = Math.Min(tile.Bands.Count, 3) == 3 ? 3 : 1;
        Span<(double Scale, double Offset, double ToMin, double ToMax)> stretch = stackalloc (double, double, double, double)[shown];
        for (var b = 0; b < shown; b++)
        {
            stretch[b] = Stretch(b, facts);
        }

        for (var p = 0; p < pixels; p++)
        {
            if (!tile.Valid[p])
            {
                continue;
            }

            var o = p * 4;
            if (shown == 3)
            {
                rgba[o] = Level(tile.Bands[0][p], stretch[0]);
                rgba[o + 1] = Level(tile.Bands[1][p], stretch[1]);
                rgba[o + 2] = Level(tile.Bands[2][p], stretch[2]);
            }
            else
            {
                var level = Level(tile.Bands[0][p], stretch[0]);
                if (_colormap is null)
                {
                    rgba[o] = rgba[o + 1] = rgba[o + 2] = level;
                }
                else
                {
                    rgba[o] = _colormap[level * 3];
                    rgba[o + 1] = _colormap[(level * 3) + 1];
                    rgba[o + 2] = _colormap[(level * 3) + 2];
                }
            }

            rgba[o + 3] = 255;
        }

        return rgba;
    }

    /// <summary>value × scale + offset, clamped to [to_min, to_max]: gdal_translate -scale's arithmetic.</summary>
    private (double, double, double, double) Stretch(int band, RasterTileFacts facts)
    {
        double[] range;
        if (_rescales.Count > 0)
        {
            range = _rescales[Math.Min(band, _rescales.Count - 1)];
        }
        else if (facts.DataType == "Byte")
        {
            range = [0, 255];
        }
        else
        {
            var stats = facts.Bands[Math.Min(band, facts.Bands.Count - 1)];
            range = stats.Max > stats.Min ? [stats.Min, stats.Max] : [stats.Min, stats.Min + 1];
        }

        var (toMin, toMax) = range.Length == 4 ? (range[2], range[3]) : (0.0, 255.0);
        var scale = (toMax - toMin) / (range[1] - range[0]);
        return (scale, toMin - (range[0] * scale), Math.Min(toMin, toMax), Math.Max(toMin, toMax));
    }

    private static byte Level(float value, (double Scale, double Offset, double ToMin, double ToMax) s) =>
        float.IsNaN(value) ? (byte)0 : (byte)Math.Clamp(Math.Round(Math.Clamp((value * s.Scale) + s.Offset, s.ToMin, s.ToMax)), 0, 255);
}
