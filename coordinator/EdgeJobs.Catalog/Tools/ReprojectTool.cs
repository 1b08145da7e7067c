using System.ComponentModel;
using System.Text.RegularExpressions;
using EdgeJobs.Catalog.Params;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Tools;

/// <summary>Params of <c>reproject</c>.</summary>
public sealed record ReprojectParams
{
    [Description("The raster to warp, relative to the data root.")]
    public required string Path { get; init; }

    [Description("Target CRS: an authority code (EPSG:4326, ESRI:54009), a PROJ string (+proj=...) or WKT.")]
    public required string Crs { get; init; }

    [Description("Target pixel size in target CRS units (square pixels); default: as gdalwarp chooses.")]
    [ParamRange(1e-12, 1e9)]
    public double? Resolution { get; set; }

    [Description("How pixels are sampled.")]
    [ParamAllowedValues("nearest", "bilinear", "cubic", "cubicspline", "lanczos", "average", "mode", "min", "max", "med")]
    public string Resampling { get; set; } = "nearest";

    [Description("Also write the COG here, relative to the data root (.tif).")]
    public string? Output { get; set; }

    [Description("Replace the output file if it exists.")]
    public bool Overwrite { get; set; }
}

/// <summary><c>reproject</c>: warps a raster to a target CRS and resolution (gdalwarp), to a COG.</summary>
public sealed partial class ReprojectTool : TypedToolDescriptor<ReprojectParams>
{
    public static readonly ReprojectTool Instance = new();

    private ReprojectTool()
        : base(ToolParamsJsonContext.Default.ReprojectParams)
    {
    }

    public override string Id => "reproject";
    public override string Version => "1";
    public override string Title => "Reproject";
    public override string Description => "Warps a raster to a target CRS and resolution, to a COG.";
    public override string Category => "raster";
    public override string RequiredScope => Scopes.JobsWrite;
    public override bool ProducesArtifact => true;

    // Checked here only for shape: whether PROJ knows the CRS is for the agent (the coordinator has no GDAL).
    [GeneratedRegex(@"^(?:[A-Za-z][A-Za-z0-9_]*:[A-Za-z0-9_.]+|\+proj=[^\x00-\x1f]+|[A-Z_]+\[[^\x00-\x08]+\])$", RegexOptions.CultureInvariant)]
    private static partial Regex CrsShape();

    protected override void AddCrossFieldViolations(ReprojectParams parameters, List<ViolationDto> violations)
    {
        if (parameters.Crs.Length > 20_000 || !CrsShape().IsMatch(parameters.Crs.Trim()))
        {
            violations.Add(new ViolationDto("$.params.crs", "must be an authority code such as EPSG:4326, a PROJ string (+proj=...) or WKT"));
        }
    }

    protected override IReadOnlyList<InputPath> InputPaths(ReprojectParams parameters) => [new("$.params.path", parameters.Path)];

    protected override OutputPath? OutputPath(ReprojectParams parameters) =>
        TiffOutput(parameters.Output, parameters.Overwrite);
}
