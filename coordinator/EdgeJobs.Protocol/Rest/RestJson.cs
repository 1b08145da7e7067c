using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeJobs.Protocol.Rest;

/// <summary>
/// Source-generated JSON for the REST API: snake_case, RFC 3339 times, and strict reading (unknown
/// members refused, required members and nullable annotations enforced) so a typo in a request is a
/// 400 naming the field rather than a silently ignored value.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    NumberHandling = JsonNumberHandling.Strict,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(JobDto))]
[JsonSerializable(typeof(JobListDto))]
[JsonSerializable(typeof(JobEventListDto))]
[JsonSerializable(typeof(JobLogDto))]
[JsonSerializable(typeof(JobProgressDto))]
[JsonSerializable(typeof(DeletedDto))]
[JsonSerializable(typeof(ToolDto))]
[JsonSerializable(typeof(ToolListDto))]
[JsonSerializable(typeof(FeaturesDto))]
[JsonSerializable(typeof(HealthDto))]
[JsonSerializable(typeof(SessionRequest))]
[JsonSerializable(typeof(SessionDto))]
[JsonSerializable(typeof(EstimateDto))]
[JsonSerializable(typeof(NodeDto))]
[JsonSerializable(typeof(NodeListDto))]
[JsonSerializable(typeof(ProblemDto))]
[JsonSerializable(typeof(SubmitRequest))]
[JsonSerializable(typeof(CleanupRequest))]
[JsonSerializable(typeof(DatasetDto))]
[JsonSerializable(typeof(DatasetListDto))]
[JsonSerializable(typeof(DatasetEntryDto))]
[JsonSerializable(typeof(DatasetEntryListDto))]
[JsonSerializable(typeof(CreateDatasetRequest))]
[JsonSerializable(typeof(MoveRequest))]
[JsonSerializable(typeof(MovedDto))]
[JsonSerializable(typeof(UploadProgressDto))]
[JsonSerializable(typeof(RecipeDefinition))]
[JsonSerializable(typeof(RecipeDto))]
[JsonSerializable(typeof(RecipeListDto))]
[JsonSerializable(typeof(RecipeCreatedDto))]
[JsonSerializable(typeof(CreateCampaignRequest))]
[JsonSerializable(typeof(CreateBatchRequest))]
[JsonSerializable(typeof(RepairRequest))]
[JsonSerializable(typeof(CampaignDto))]
[JsonSerializable(typeof(CampaignListDto))]
[JsonSerializable(typeof(BatchListDto))]
[JsonSerializable(typeof(RepairDto))]
[JsonSerializable(typeof(CampaignSourceDto))]
[JsonSerializable(typeof(CampaignTemplateDto))]
[JsonSerializable(typeof(IReadOnlyList<VariantRuleDto>))]
[JsonSerializable(typeof(CreateWorkspaceRequest))]
[JsonSerializable(typeof(WorkspaceDto))]
[JsonSerializable(typeof(WorkspaceListDto))]
[JsonSerializable(typeof(CreditChangeRequest))]
[JsonSerializable(typeof(CreditEventListDto))]
[JsonSerializable(typeof(CreateProjectRequest))]
[JsonSerializable(typeof(ProjectDto))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(IReadOnlyList<double>))]
[JsonSerializable(typeof(string))]
public sealed partial class RestJsonContext : JsonSerializerContext;

public static class RestJson
{
    /// <summary>
    /// What the coordinator writes: like <see cref="RestJsonContext.Default"/> but without escaping
    /// quotes and non-ASCII letters, so answers read naturally (they are never embedded in HTML).
    /// </summary>
    public static readonly RestJsonContext Wire = new(new JsonSerializerOptions(RestJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>Indented output for humans (the CLI's <c>--json</c>).</summary>
    public static readonly RestJsonContext Indented = new(new JsonSerializerOptions(RestJsonContext.Default.Options) { WriteIndented = true });

    /// <summary>For clients reading answers: fields a newer coordinator adds are skipped, not refused.</summary>
    public static readonly RestJsonContext Lenient = new(new JsonSerializerOptions(RestJsonContext.Default.Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        RespectRequiredConstructorParameters = false,
    });
}
