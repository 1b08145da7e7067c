using System.ComponentModel;
using EdgeJobs.Catalog.Expressions;
using EdgeJobs.Catalog.Params;
using EdgeJobs.Catalog.Rasters;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Tools;

/// <summary>Which band plays which role in the named indices (1-based).</summary>
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
}

/// <summary>Params of <c>raster-export</c>.</summary>
public sealed record RasterExportParams
{
    [Description("The input raster, relative to the data root.")]
    public required string Path { get; init; }

    [Description("Band math giving one float32 band: a named index (ndvi, ndwi, evi, savi) or an expression over b1..bN "
        + "with + - * /, parentheses, comparisons, && || !, c ? a : b, min, max, abs, sqrt, where. "
        + "Without a formula every band is exported as it is.")]
    public string? Formula { get; set; }

    [Description("The bands the named indices read. Defaults follow Landsat: blue 1, green 2, red 3, nir 4.")]
    public SpectralBands? Bands { get; set; }

    [Description("[min, max] or [min, max, to_min, to_max]: a linear stretch to Byte (to 0..255 unless given), clamped and rounded, "
        + "as gdal_translate -scale with -ot Byte.")]
    public double[]? Rescale { get; set; }

    [Description("Colour map for a single-band result, to RGBA (or RGB with alpha: false). The value is stretched by rescale first; "
        + "named indices default to [-1, 1], Byte bands need none.")]
    [ParamAllowedValues("rdylgn", "viridis", "greys", "terrain")]
    public string? Colormap { get; set; }

    [Description("With a colormap: add an alpha band, 0 where the result is nodata.")]
    public bool Alpha { get; set; } = true;

    [Description("Nodata value of a float32 result: pixels where any band the formula reads is nodata get it.")]
    public double Nodata { get; set; } = -9999;

    [Description("Tile compression of the GeoTIFF: zstd (fast, with a predictor), deflate, lzw, or none. "
        + "auto: none for a float32 result (band math barely compresses: 15-25% smaller at 2-3 times the time), zstd otherwise.")]
    [ParamAllowedValues("auto", "zstd", "deflate", "lzw", "none")]
    public string Compression { get; set; } = "auto";

    [Description("Also write the result here, relative to the data root (.tif).")]
    public string? Output { get; set; }

    [Description("Replace the output file if it exists.")]
    public bool Overwrite { get; set; }
}

/// <summary>
/// <c>raster-export</c>: band math (named indices or any expression), rescale and colour maps to a tiled
/// GeoTIFF, block by block, so memory stays bounded whatever the raster's size.
/// </summary>
public sealed class RasterExportTool : TypedToolDescriptor<RasterExportParams>
{
    public static readonly RasterExportTool Instance = new();

    private RasterExportTool()
        : base(ToolParamsJsonContext.Default.RasterExportParams)
    {
    }

    public override string Id => "raster-export";
    public override string Version => "1";
    public override string Title => "Raster export";
    public override string Description => "Band math (NDVI, NDWI, EVI, SAVI or any expression over b1..bN), rescale and colour maps to a GeoTIFF.";
    public override string Category => "raster";
    public override string RequiredScope => Scopes.JobsWrite;
    public override bool ProducesArtifact => true;

    protected override void AddCrossFieldViolations(RasterExportParams parameters, List<ViolationDto> violations)
    {
        if (parameters.Formula is { } formula && !SpectralIndices.IsIndex(formula))
        {
            try
            {
                ExpressionParser.Parse(formula);
            }
            catch (ExpressionException e)
            {
                violations.Add(new ViolationDto("$.params.formula", e.Message));
            }
        }

        if (parameters.Bands is not null && (parameters.Formula is null || !SpectralIndices.IsIndex(parameters.Formula)))
        {
            violations.Add(new ViolationDto("$.params.bands", "only applies to the named indices (ndvi, ndwi, evi, savi); expressions name bands as b1..bN"));
        }

        if (parameters.Rescale is { } rescale)
        {
            if (rescale.Length is not (2 or 4))
            {
                violations.Add(new ViolationDto("$.params.rescale", "must be [min, max] or [min, max, to_min, to_max]"));
            }
            else if (rescale.Any(v => !double.IsFinite(v)))
            {
                violations.Add(new ViolationDto("$.params.rescale", "must hold finite numbers"));
            }
            else if (rescale[0] == rescale[1])
            {
                violations.Add(new ViolationDto("$.params.rescale", "min and max must differ"));
            }
            else if (rescale.Length == 4 && (rescale[2] is < 0 or > 255 || rescale[3] is < 0 or > 255))
            {
                violations.Add(new ViolationDto("$.params.rescale", "to_min and to_max must be within 0..255 (the result is Byte)"));
            }
        }

        if (parameters.Colormap is not null && parameters.Rescale is null && parameters.Formula is { } f && !SpectralIndices.IsIndex(f))
        {
            violations.Add(new ViolationDto("$.params.rescale", "is required with a colormap on an expression: give the value range to stretch, e.g. [0, 3000]"));
        }
    }

    protected override IReadOnlyList<InputPath> InputPaths(RasterExportParams parameters) => [new("$.params.path", parameters.Path)];

    protected override OutputPath? OutputPath(RasterExportParams parameters) =>
        TiffOutput(parameters.Output, parameters.Overwrite);

    /// <summary>Float32 is 4 bytes a pixel, the input is usually 1-2 per pixel per band: about twice the input; ~200 MB/s.</summary>
    protected override ToolEstimate Estimate(RasterExportParams parameters, IReadOnlyList<InputFile> inputs)
    {
        var bytes = inputs.Sum(i => i.SizeBytes);
        return new ToolEstimate(bytes * 2, Math.Max(0.5, bytes / 200e6));
    }
}
