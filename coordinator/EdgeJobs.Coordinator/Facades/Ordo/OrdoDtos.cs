using System.Text.Json;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Facades.Ordo;

// Seed 001's job shapes, field for field as its document shows them (snake_case; times as "2026-02-24T18:09:31.276Z").

/// <summary>The body of <c>POST /ordo/jobs</c>: an inline recipe or a stored one's id, the artifact map, per-step params, outputs.</summary>
public sealed record OrdoSubmitRequest
{
    public RecipeDefinition? Recipe { get; init; }
    public long? RecipeId { get; init; }
    public IReadOnlyDictionary<string, string>? Inputs { get; init; }
    public JsonElement? Params { get; init; }
    public IReadOnlyDictionary<string, string>? Outputs { get; init; }
    public OnExitRequest? OnExit { get; init; }
}

/// <summary>The answer of <c>POST /ordo/jobs</c>: 201 <c>{"id": 4}</c>.</summary>
public sealed record OrdoCreatedDto(long Id);

/// <summary>A job object: what <c>GET /ordo/jobs</c> lists, and <c>job</c> in <c>GET /ordo/jobs/{id}</c>.</summary>
public sealed record OrdoJobDto(long Id, long? RecipeId, string Status, string CreatedAt, string? StartedAt, string? FinishedAt, string? Error, JsonElement Params);

public sealed record OrdoProgressDto(double Percentage, int CompletedSteps, int TotalSteps);

public sealed record OrdoTimelineDto(string Step, string Type, string Status, string? StartedAt, string? FinishedAt, long? DurationMs);

public sealed record OrdoStepDto(long JobId, string StepId, string StepType, string Status, string? StartedAt, string? FinishedAt, string? Error);

/// <summary>A step's artifact: its reference (<c>step:ID.output</c>), where to download it, its size and checksum.</summary>
public sealed record OrdoArtifactDto(string ArtifactName, string StepId, long SizeBytes, string Sha256, string Url);

public sealed record OrdoOutputDto(string ArtifactName, string Path);

/// <summary><c>GET /ordo/jobs/{id}</c>.</summary>
public sealed record OrdoJobDetailDto(
    OrdoJobDto Job,
    OrdoProgressDto Progress,
    long? DurationMs,
    IReadOnlyList<OrdoTimelineDto> Timeline,
    IReadOnlyList<OrdoStepDto> Steps,
    IReadOnlyList<OrdoArtifactDto> Artifacts,
    IReadOnlyList<OrdoOutputDto> Outputs);
