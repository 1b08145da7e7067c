using System.ComponentModel;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Catalog.Tools;

/// <summary>Params of <c>info</c>.</summary>
public sealed record InfoParams
{
    [Description("A raster, relative to the data root.")]
    public required string Path { get; init; }
}

/// <summary>
/// <c>info</c>: a raster's metadata as JSON (driver, size, bands and their types, nodata, CRS,
/// geotransform, bounds, exact statistics) — the building block of re-indexing a dataset.
/// </summary>
public sealed class InfoTool : TypedToolDescriptor<InfoParams>
{
    public static readonly InfoTool Instance = new();

    private InfoTool()
        : base(ToolParamsJsonContext.Default.InfoParams)
    {
    }

    public override string Id => "info";
    public override string Version => "1";
    public override string Title => "Raster info";
    public override string Description => "A raster's metadata as JSON: size, bands, types, nodata, CRS, bounds and statistics.";
    public override string Category => "raster";
    public override string RequiredScope => Scopes.JobsRead;
    public override bool ProducesArtifact => true;

    protected override IReadOnlyList<InputPath> InputPaths(InfoParams parameters) => [new("$.params.path", parameters.Path)];

    /// <summary>A few KiB of JSON; statistics read every pixel once.</summary>
    protected override ToolEstimate Estimate(InfoParams parameters, IReadOnlyList<InputFile> inputs) =>
        new(16 << 10, Math.Max(0.1, inputs.Sum(i => i.SizeBytes) / 300e6));
}
