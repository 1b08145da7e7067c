using System.Text.Json.Serialization;

namespace EdgeJobs.Catalog.Tools;

/// <summary>Strict source-generated JSON for every tool's params.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    NumberHandling = JsonNumberHandling.Strict,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(SleepParams))]
[JsonSerializable(typeof(EchoParams))]
[JsonSerializable(typeof(RandomArtifactParams))]
[JsonSerializable(typeof(InfoParams))]
[JsonSerializable(typeof(RasterExportParams))]
[JsonSerializable(typeof(SpectralBands))]
[JsonSerializable(typeof(BuildParams))]
[JsonSerializable(typeof(MergeMultispectralParams))]
[JsonSerializable(typeof(ReprojectParams))]
[JsonSerializable(typeof(NcToGeoTiffParams))]
[JsonSerializable(typeof(MergeTerrainParams))]
[JsonSerializable(typeof(AlignRasterParams))]
[JsonSerializable(typeof(RescanIndexParams))]
[JsonSerializable(typeof(BulkDownloadParams))]
[JsonSerializable(typeof(ArchiveExtractParams))]
public sealed partial class ToolParamsJsonContext : JsonSerializerContext;
