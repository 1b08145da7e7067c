using System.Text.Json.Serialization;

namespace EdgeJobs.Coordinator.Facades.DroneDb;

/// <summary>
/// Source-generated JSON for seed 003's task API: camelCase, and strict reading like REST API v1's (unknown members
/// refused, required ones enforced), so a typo in a submit is a 400 naming the field.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    NumberHandling = JsonNumberHandling.Strict,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(TaskSubmitRequest))]
[JsonSerializable(typeof(TaskSubmittedDto))]
[JsonSerializable(typeof(TaskStatusDto))]
[JsonSerializable(typeof(IReadOnlyList<TaskStatusDto>))]
[JsonSerializable(typeof(TaskLogDto))]
[JsonSerializable(typeof(IReadOnlyList<TaskToolDto>))]
[JsonSerializable(typeof(TasksClearedDto))]
[JsonSerializable(typeof(SysFeaturesDto))]
public sealed partial class TaskJsonContext : JsonSerializerContext;

public static class TaskJson
{
    /// <summary>What the coordinator writes: quotes and non-ASCII letters unescaped, as REST API v1 writes them.</summary>
    public static readonly TaskJsonContext Wire = new(new System.Text.Json.JsonSerializerOptions(TaskJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
