using System.ComponentModel;
using EdgeJobs.Catalog.Params;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Catalog.Tools;

/// <summary>Params of <c>align-raster</c>.</summary>
public sealed record AlignRasterParams
{
    [Description("The raster to align, relative to the data root.")]
    public required string SourcePath { get; init; }

    [Description("The raster whose grid and content the source is aligned to.")]
    public required string ReferencePath { get; init; }

    [Description("similarity: rotation, scale and shift (4 degrees of freedom); translation: shift only.")]
    [ParamAllowedValues("similarity", "translation")]
    public string Mode { get; set; } = "similarity";

    [Description("The band of each raster the alignment is estimated on (all bands are aligned).")]
    [ParamRange(1, 65535)]
    public int Band { get; set; } = 1;

    [Description("Also write the aligned COG here, relative to the data root (.tif).")]
    public string? Output { get; set; }

    [Description("Replace the output file if it exists.")]
    public bool Overwrite { get; set; }
}

/// <summary>
/// <c>align-raster</c>: estimates how the source is rotated, scaled and shifted against the reference
/// (phase correlation, then NCC to sub-pixel) and resamples it onto the reference's grid, as a COG.
/// </summary>
public sealed class AlignRasterTool : TypedToolDescriptor<AlignRasterParams>
{
    public static readonly AlignRasterTool Instance = new();

    private AlignRasterTool()
        : base(ToolParamsJsonContext.Default.AlignRasterParams)
    {
    }

    public override string Id => "align-raster";
    public override string Version => "1";
    public override string Title => "Align raster";
    public override string Description => "Co-registers a raster to a reference (phase correlation + NCC; similarity or translation) and resamples it onto the reference grid.";
    public override string Category => "raster";
    public override string RequiredScope => Scopes.JobsWrite;
    public override bool ProducesArtifact => true;

    protected override IReadOnlyList<InputPath> InputPaths(AlignRasterParams parameters) =>
        [new("$.params.source_path", parameters.SourcePath), new("$.params.reference_path", parameters.ReferencePath)];

    protected override OutputPath? OutputPath(AlignRasterParams parameters) =>
        TiffOutput(parameters.Output, parameters.Overwrite);
}
