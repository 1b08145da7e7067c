using System.ComponentModel;
using System.Text.Json.Serialization;
using EdgeJobs.Catalog.Params;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Testing;

public sealed record CopyParams
{
    [Description("Input file, relative to the data root.")]
    public required string Path { get; init; }

    [ParamAllowedValues("fast", "slow")]
    public string Mode { get; set; } = "fast";
}

/// <summary>A test tool with an input file and an artifact, to exercise input identity and artifact-aware dedup.</summary>
public sealed class CopyTool(string version = "1") : TypedToolDescriptor<CopyParams>(TestToolsJsonContext.Default.CopyParams)
{
    public override string Id => "copy";
    public override string Version => version;
    public override string Title => "Copy";
    public override string Description => "Copies a file (test tool).";
    public override string Category => "test";
    public override string RequiredScope => Scopes.JobsWrite;
    public override bool ProducesArtifact => true;

    protected override IReadOnlyList<InputPath> InputPaths(CopyParams parameters) => [new("$.params.path", parameters.Path)];
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(CopyParams))]
public sealed partial class TestToolsJsonContext : JsonSerializerContext;
