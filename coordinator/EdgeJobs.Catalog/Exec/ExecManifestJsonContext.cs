using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeJobs.Catalog.Exec;

/// <summary>Strict source-generated JSON for manifests (AOT): an unknown or repeated field is an error, with its line.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    NumberHandling = JsonNumberHandling.Strict,
    AllowDuplicateProperties = false,
    ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(ExecManifestFile))]
[JsonSerializable(typeof(string[]))]
public sealed partial class ExecManifestJsonContext : JsonSerializerContext;
