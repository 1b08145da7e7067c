using System.Text.Json.Serialization;

namespace EdgeJobs.Coordinator.Facades.Ordo;

/// <summary>
/// Source-generated JSON for seed 001's jobs API: snake_case like its document, strict reading like REST API v1's
/// (unknown members refused), so a typo in a submit is a 400 naming the field.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    NumberHandling = JsonNumberHandling.Strict,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(OrdoSubmitRequest))]
[JsonSerializable(typeof(OrdoCreatedDto))]
[JsonSerializable(typeof(OrdoJobDetailDto))]
[JsonSerializable(typeof(IReadOnlyList<OrdoJobDto>))]
public sealed partial class OrdoJsonContext : JsonSerializerContext;

public static class OrdoJson
{
    /// <summary>What the coordinator writes: quotes and non-ASCII letters unescaped, as REST API v1 writes them.</summary>
    public static readonly OrdoJsonContext Wire = new(new System.Text.Json.JsonSerializerOptions(OrdoJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
