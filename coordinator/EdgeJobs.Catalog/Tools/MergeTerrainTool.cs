using System.ComponentModel;
using EdgeJobs.Catalog.Params;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Tools;

/// <summary>Params of <c>merge-terrain</c>.</summary>
public sealed record MergeTerrainParams
{
    [Description("One or more elevation rasters (single band), relative to the data root; later ones win where they overlap.")]
    public required string[] Paths { get; init; }

    [Description("Return the hillshade of the mosaic (gdaldem hillshade) instead of the mosaic.")]
    public bool Hillshade { get; set; }

    [Description("Return the slope of the mosaic in degrees (gdaldem slope) instead of the mosaic.")]
    public bool Slope { get; set; }

    [Description("Vertical exaggeration for the hillshade.")]
    [ParamRange(1e-6, 1e6)]
    public double ZFactor { get; set; } = 1;

    [Description("Ratio of vertical to horizontal units: 111120 for elevations in metres on a degrees grid.")]
    [ParamRange(1e-6, 1e9)]
    public double Scale { get; set; } = 1;

    [Description("Also write the COG here, relative to the data root (.tif).")]
    public string? Output { get; set; }

    [Description("Replace the output file if it exists.")]
    public bool Overwrite { get; set; }
}

/// <summary><c>merge-terrain</c>: DEMs mosaicked into one COG, or that mosaic's hillshade or slope.</summary>
public sealed class MergeTerrainTool : TypedToolDescriptor<MergeTerrainParams>
{
    public const int MaxInputs = 256;

    public static readonly MergeTerrainTool Instance = new();

    private MergeTerrainTool()
        : base(ToolParamsJsonContext.Default.MergeTerrainParams)
    {
    }

    public override string Id => "merge-terrain";
    public override string Version => "1";
    public override string Title => "Merge terrain";
    public override string Description => "Elevation rasters mosaicked into one COG, or the mosaic's hillshade or slope.";
    public override string Category => "raster";
    public override string RequiredScope => Scopes.JobsWrite;
    public override bool ProducesArtifact => true;

    protected override void AddCrossFieldViolations(MergeTerrainParams parameters, List<ViolationDto> violations)
    {
        if (parameters.Paths.Length is < 1 or > MaxInputs)
        {
            violations.Add(new ViolationDto("$.params.paths", $"must name 1 to {MaxInputs} rasters"));
        }

        if (parameters.Hillshade && parameters.Slope)
        {
            violations.Add(new ViolationDto("$.params.slope", "one product per job: ask for hillshade or slope, not both"));
        }
    }

    protected override IReadOnlyList<InputPath> InputPaths(MergeTerrainParams parameters) =>
        [.. parameters.Paths.Select((path, i) => new InputPath($"$.params.paths[{i}]", path))];

    protected override OutputPath? OutputPath(MergeTerrainParams parameters) =>
        TiffOutput(parameters.Output, parameters.Overwrite);
}
