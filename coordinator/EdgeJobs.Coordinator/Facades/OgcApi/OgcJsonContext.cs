using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EdgeJobs.Coordinator.Facades.OgcApi;

/// <summary>
/// Source-generated JSON for OGC API – Processes: camelCase as the standard spells it, strict reading like REST API v1's
/// (unknown members refused), so a typo in an execute request is a 400 naming the field.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    NumberHandling = JsonNumberHandling.Strict,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(OgcLandingPage))]
[JsonSerializable(typeof(OgcConformance))]
[JsonSerializable(typeof(OgcProcess))]
[JsonSerializable(typeof(OgcProcessList))]
[JsonSerializable(typeof(OgcStatusInfo))]
[JsonSerializable(typeof(OgcJobList))]
[JsonSerializable(typeof(OgcExecuteRequest))]
[JsonSerializable(typeof(JsonObject))]
public sealed partial class OgcJsonContext : JsonSerializerContext;

public static class OgcJson
{
    /// <summary>What the coordinator writes: quotes and non-ASCII letters unescaped, as REST API v1 writes them.</summary>
    public static readonly OgcJsonContext Wire = new(new System.Text.Json.JsonSerializerOptions(OgcJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
