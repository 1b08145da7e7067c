using System.Text.Json.Serialization;

namespace EdgeJobs.Coordinator.Facades.Met;

/// <summary>
/// Source-generated JSON for seed 000's job routes: snake_case, strict reading like REST API v1's (unknown members
/// refused), so a typo in a body is a 400 naming the field.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    NumberHandling = JsonNumberHandling.Strict,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(MetSubmitRequest))]
[JsonSerializable(typeof(MetParentBatchRequest))]
[JsonSerializable(typeof(MetCleanupRequest))]
[JsonSerializable(typeof(MetJobDto))]
[JsonSerializable(typeof(MetJobListDto))]
[JsonSerializable(typeof(MetDeletedDto))]
[JsonSerializable(typeof(MetCleanupDto))]
[JsonSerializable(typeof(MetCampaignDto))]
[JsonSerializable(typeof(MetMissingVariantsRequest))]
[JsonSerializable(typeof(MetMissingVariantsDto))]
public sealed partial class MetJsonContext : JsonSerializerContext;

public static class MetJson
{
    /// <summary>What the coordinator writes: quotes and non-ASCII letters unescaped, as REST API v1 writes them.</summary>
    public static readonly MetJsonContext Wire = new(new System.Text.Json.JsonSerializerOptions(MetJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
