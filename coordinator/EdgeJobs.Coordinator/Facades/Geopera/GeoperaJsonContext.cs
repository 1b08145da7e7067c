using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeJobs.Coordinator.Facades.Geopera;

/// <summary>Source-generated JSON for seed 002's operations: snake_case like its document, strict reading like REST API v1's.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    NumberHandling = JsonNumberHandling.Strict,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(EmptyInput))]
[JsonSerializable(typeof(ProcessRunInput))]
[JsonSerializable(typeof(ProcessGetInput))]
[JsonSerializable(typeof(ProcessCreateInput))]
[JsonSerializable(typeof(ProcessingDispatchInput))]
[JsonSerializable(typeof(ProcessExecuteInput))]
[JsonSerializable(typeof(JobTypesInput))]
[JsonSerializable(typeof(ProcessingJobInput))]
[JsonSerializable(typeof(JobRegisterInput))]
[JsonSerializable(typeof(JobsListInput))]
[JsonSerializable(typeof(ProjectJobsInput))]
[JsonSerializable(typeof(ProcessingJobDto))]
[JsonSerializable(typeof(ProcessingJobListDto))]
[JsonSerializable(typeof(ProcessListDto))]
[JsonSerializable(typeof(JobTypeListDto))]
[JsonSerializable(typeof(ProcessEstimateDto))]
[JsonSerializable(typeof(RegistrationDto))]
[JsonSerializable(typeof(IReadOnlyList<JsonElement>))]
public sealed partial class GeoperaJsonContext : JsonSerializerContext;

public static class GeoperaJson
{
    /// <summary>What the coordinator writes: quotes and non-ASCII letters unescaped, as REST API v1 writes them.</summary>
    public static readonly GeoperaJsonContext Wire = new(new JsonSerializerOptions(GeoperaJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
