using EdgeJobs.Catalog.Expressions;
using EdgeJobs.Catalog.Paths;
using EdgeJobs.Catalog.Rasters;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Tools;

/// <summary>
/// <c>raster-export</c>: presets, band selections, band math (named indices or any expression), rescale
/// and colour maps to a tiled GeoTIFF, block by block, so memory stays bounded whatever the raster's size.
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
    public override string Description => "Presets (true-color, false-color-ir, ndvi, …), band selections, band math (NDVI, NDWI, EVI, SAVI, NDRE, VARI "
        + "or any expression over b1..bN), rescale and colour maps to a GeoTIFF.";
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

        if (parameters.BandFilter is { } filter && BandFilter.Parse(filter).Error is { } filterError)
        {
            violations.Add(new ViolationDto("$.params.band_filter", filterError));
        }

        if (parameters.Rescale is { } rescale && RescaleViolation(rescale) is { } rescaleError)
        {
            violations.Add(new ViolationDto("$.params.rescale", rescaleError));
        }

        if (parameters.FileName is { } fileName && DownloadNames.Violation(fileName) is { } nameError)
        {
            violations.Add(new ViolationDto("$.params.file_name", nameError));
        }

        AddRecipeViolations(parameters, ExportRecipe.Resolve(parameters), violations);
    }

    /// <summary>Whether the params, with the preset's defaults, make one export: bands, roles and colours that fit together.</summary>
    private static void AddRecipeViolations(RasterExportParams p, ExportRecipe recipe, List<ViolationDto> violations)
    {
        var index = recipe.Formula is { } f && SpectralIndices.IsIndex(f);
        if (p.Bands?.Roles is not null && p.BandFilter is not null)
        {
            violations.Add(new ViolationDto("$.params.band_filter", "names the band roles as bands {…} does: give one of the two"));
        }
        else if (recipe.RolesGiven && !index && !recipe.SelectionFromPreset)
        {
            violations.Add(new ViolationDto(p.BandFilter is not null ? "$.params.band_filter" : "$.params.bands",
                $"only applies to the named indices ({string.Join(", ", SpectralIndices.Names)}) and the band-composite presets; expressions name bands as b1..bN"));
        }

        if (recipe.MissingRoles.Count > 0 && p.BandFilter is { } filter)
        {
            var what = recipe.Formula ?? recipe.Preset!.Name;
            violations.Add(new ViolationDto("$.params.band_filter", $"{what} reads the {string.Join(" and ", recipe.MissingRoles)} band(s), which '{filter}' does not name"));
        }

        if (p.Bands?.Selection is { } selection)
        {
            if (recipe.Formula is not null)
            {
                violations.Add(new ViolationDto("$.params.bands", (p.Formula is null ? $"the preset {recipe.Preset!.Name} computes a formula; " : "a formula reads bands as b1..bN; ")
                    + "a band selection exports bands as they are: give one of the two, or the band roles as {red, nir, …}"));
            }
            else if (recipe.Colormap is not null && selection.Count != 1)
            {
                violations.Add(new ViolationDto("$.params.colormap", $"colours a single band, and the selection has {selection.Count}"));
            }
        }
        else if (recipe.SelectionFromPreset && p.Colormap is not null)
        {
            violations.Add(new ViolationDto("$.params.colormap", $"colours a single band, and the preset {recipe.Preset!.Name} exports {recipe.Selection!.Count}"));
        }

        if (recipe.Colormap is not null && recipe.Rescale is null && recipe.Formula is { } formula && recipe.NaturalRange is null)
        {
            violations.Add(new ViolationDto("$.params.rescale", SpectralIndices.IsIndex(formula)
                ? $"is required with a colormap on {formula.Trim()}, which has no fixed range: give the value range to stretch, e.g. [0, 3000]"
                : "is required with a colormap on an expression: give the value range to stretch, e.g. [0, 3000]"));
        }
    }

    private static string? RescaleViolation(double[] rescale) =>
        rescale.Length is not (2 or 4) ? "must be [min, max] or [min, max, to_min, to_max]"
        : rescale.Any(v => !double.IsFinite(v)) ? "must hold finite numbers"
        : rescale[0] == rescale[1] ? "min and max must differ"
        : rescale.Length == 4 && (rescale[2] is < 0 or > 255 || rescale[3] is < 0 or > 255) ? "to_min and to_max must be within 0..255 (the result is Byte)"
        : null;

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
