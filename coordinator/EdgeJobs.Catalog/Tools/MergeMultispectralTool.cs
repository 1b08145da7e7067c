using System.ComponentModel;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Tools;

/// <summary>Params of <c>merge-multispectral</c>.</summary>
public sealed record MergeMultispectralParams
{
    [Description("Two or more single-band rasters, relative to the data root; band i of the result is paths[i].")]
    public required string[] Paths { get; init; }

    [Description("Also write the COG here, relative to the data root (.tif).")]
    public string? Output { get; set; }

    [Description("Replace the output file if it exists.")]
    public bool Overwrite { get; set; }
}

/// <summary>
/// <c>merge-multispectral</c>: single-band rasters stacked into one multi-band COG in the given order,
/// as <c>gdal_merge.py -separate</c> does (the result has the first raster's pixel type).
/// </summary>
public sealed class MergeMultispectralTool : TypedToolDescriptor<MergeMultispectralParams>
{
    public const int MaxInputs = 64;

    public static readonly MergeMultispectralTool Instance = new();

    private MergeMultispectralTool()
        : base(ToolParamsJsonContext.Default.MergeMultispectralParams)
    {
    }

    public override string Id => "merge-multispectral";
    public override string Version => "1";
    public override string Title => "Merge bands";
    public override string Description => "Two or more single-band rasters stacked into one multi-band COG, band order kept.";
    public override string Category => "raster";
    public override string RequiredScope => Scopes.JobsWrite;
    public override bool ProducesArtifact => true;

    protected override void AddCrossFieldViolations(MergeMultispectralParams parameters, List<ViolationDto> violations)
    {
        if (parameters.Paths.Length is < 2 or > MaxInputs)
        {
            violations.Add(new ViolationDto("$.params.paths", $"must name 2 to {MaxInputs} rasters"));
        }
    }

    protected override IReadOnlyList<InputPath> InputPaths(MergeMultispectralParams parameters) =>
        [.. parameters.Paths.Select((path, i) => new InputPath($"$.params.paths[{i}]", path))];

    protected override OutputPath? OutputPath(MergeMultispectralParams parameters) =>
        TiffOutput(parameters.Output, parameters.Overwrite);
}
