using System.ComponentModel;
using EdgeJobs.Catalog.Params;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Catalog.Tools;

/// <summary>Params of the diagnostic <c>random-artifact</c> tool.</summary>
public sealed record RandomArtifactParams
{
    [Description("How many pseudo-random bytes the artifact holds.")]
    [ParamRange(0, 1L << 40)]
    public required long Bytes { get; init; }

    [Description("Seed of the generator: the same seed and size give the same bytes.")]
    public int Seed { get; set; }
}

/// <summary>
/// <c>random-artifact</c>: writes a file of pseudo-random bytes and returns it as the job's artifact.
/// It exercises the artifact path (streaming, SHA-256, download with Range) without any data.
/// </summary>
public sealed class RandomArtifactTool : TypedToolDescriptor<RandomArtifactParams>
{
    public static readonly RandomArtifactTool Instance = new();

    private RandomArtifactTool()
        : base(ToolParamsJsonContext.Default.RandomArtifactParams)
    {
    }

    public override string Id => "random-artifact";
    public override string Version => "1";
    public override string Title => "Random artifact";
    public override string Description => "Diagnostic: writes a file of pseudo-random bytes as the job's artifact.";
    public override string Category => "diagnostic";
    public override string RequiredScope => Scopes.JobsWrite;
    public override bool ProducesArtifact => true;

    protected override ToolEstimate Estimate(RandomArtifactParams parameters, IReadOnlyList<InputFile> inputs) =>
        new(parameters.Bytes, Math.Max(0.1, parameters.Bytes / 500e6));
}
