using System.ComponentModel;
using System.Text.Json.Serialization;
using EdgeJobs.Catalog.Expressions;
using EdgeJobs.Catalog.Params;
using EdgeJobs.Catalog.Paths;
using EdgeJobs.Catalog.Rasters;

namespace EdgeJobs.Catalog.Tools;

/// <summary>Which band plays which role in the named indices and the band-composite presets (1-based).</summary>
public sealed record SpectralBands
{
    [ParamRange(1, ExpressionParser.MaxBand)]
    public int Blue { get; set; } = 1;

    [ParamRange(1, ExpressionParser.MaxBand)]
    public int Green { get; set; } = 2;

    [ParamRange(1, ExpressionParser.MaxBand)]
    public int Red { get; set; } = 3;

    [ParamRange(1, ExpressionParser.MaxBand)]
    public int Nir { get; set; } = 4;

    /// <summary>Nullable and left out when unset, so params without it read as they always have.</summary>
    [Description("Red edge band, read by ndre; 5 unless given.")]
    [ParamRange(1, ExpressionParser.MaxBand)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RedEdge { get; set; }

    public BandRoles ToRoles() => new(Blue, Green, Red, Nir, RedEdge ?? BandRoles.Defaults.RedEdge);
}

/// <summary>
/// <c>bands</c>: either a selection of input bands to export as they are (<c>"4,3,2"</c>), or the roles
/// of the bands the named indices read (<c>{red: 3, nir: 4}</c>). Exactly one is set.
/// </summary>
[JsonConverter(typeof(ExportBandsJsonConverter))]
public sealed record ExportBands
{
    public IReadOnlyList<int>? Selection { get; init; }

    public SpectralBands? Roles { get; init; }
}

/// <summary>Params of <c>raster-export</c>.</summary>
public sealed record RasterExportParams
{
    [Description("The input raster, relative to the data root.")]
    public required string Path { get; init; }

    [PresetDescription]
    [PresetNames]
    public string? Preset { get; set; }

    [Description("Band math giving one float32 band: a named index (ndvi, ndwi, evi, savi, gndvi, ndre, osavi, vari, gli, exg; "
        + "any case) or an expression over b1..bN with + - * /, parentheses, comparisons, && || !, c ? a : b, min, max, abs, sqrt, where. "
        + "Without a formula every band (or the bands selected) is exported as it is.")]
    public string? Formula { get; set; }

    [Description("A band selection, \"4,3,2\": export those input bands, in that order (gdal_translate -b 4 -b 3 -b 2); a band may repeat. "
        + "Or an object naming the bands the named indices and band-composite presets read: {blue, green, red, nir, red_edge}, "
        + "defaults blue 1, green 2, red 3, nir 4 (Landsat), red_edge 5 (MicaSense RedEdge).")]
    public ExportBands? Bands { get; set; }

    [Description("DroneDB's band filter: one letter per band in band order saying what it is, e.g. \"RGBN\" (red 1, green 2, blue 3, nir 4) "
        + "or \"BGRNRe\". Letters: " + Rasters.BandFilter.Letters + "; any case. Like bands {…}, it names the bands the named indices and "
        + "band-composite presets read; give one of the two.")]
    public string? BandFilter { get; set; }

    [Description("[min, max] or [min, max, to_min, to_max], or the same as a string, \"-1,1\": a linear stretch to Byte (to 0..255 unless given), "
        + "clamped and rounded, as gdal_translate -scale with -ot Byte.")]
    [JsonConverter(typeof(RescaleJsonConverter))]
    public double[]? Rescale { get; set; }

    [Description("Colour map for a single-band result, to RGBA (or RGB with alpha: false); matplotlib's, titiler's and ColorBrewer's names, "
        + "any case, each also reversed as name_r. The value is stretched by rescale first; named indices with a fixed range (all but exg) "
        + "default to [-1, 1], Byte bands need none. greys runs black to white.")]
    [ColormapNames]
    public string? Colormap { get; set; }

    [Description("With a colormap: add an alpha band, 0 where the result is nodata.")]
    public bool Alpha { get; set; } = true;

    [Description("Nodata value of a float32 result: pixels where any band the formula reads is nodata get it.")]
    public double Nodata { get; set; } = -9999;

    [Description("Tile compression of the GeoTIFF: zstd (fast, with a predictor), deflate, lzw, or none. "
        + "auto: none for a float32 result (band math barely compresses: 15-25% smaller at 2-3 times the time), zstd otherwise.")]
    [ParamAllowedValues("auto", "zstd", "deflate", "lzw", "none")]
    public string Compression { get; set; } = "auto";

    [Description("The name the result downloads under. Characters other than letters, digits, '.', '-' and '_' (path separators, "
        + "spaces, control characters) become '_', and .tif is added unless it ends in .tif or .tiff. At most "
        + DownloadNames.MaxLengthText + " characters with the extension. Default: the input's name, then the formula or preset.")]
    public string? FileName { get; set; }

    [Description("Also write the result here, relative to the data root (.tif).")]
    public string? Output { get; set; }

    [Description("Replace the output file if it exists.")]
    public bool Overwrite { get; set; }
}
