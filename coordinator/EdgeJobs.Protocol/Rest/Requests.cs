using System.Text.Json;

namespace EdgeJobs.Protocol.Rest;

/// <summary>The body of <c>POST /v1/jobs</c>. Unknown fields are refused by the strict context.</summary>
public sealed record SubmitRequest
{
    /// <summary>The tool to run; absent for a recipe job (<see cref="Recipe"/> or <see cref="RecipeId"/>).</summary>
    public string? Tool { get; init; }
    public string? Version { get; init; }
    public JsonElement? Params { get; init; }
    public int? Priority { get; init; }
    public int? MaxAttempts { get; init; }
    public double? TimeoutS { get; init; }
    public bool? Force { get; init; }
    public long? CampaignId { get; init; }
    public long? ParentId { get; init; }

    /// <summary><c>org/name</c>: the job's input and output paths are entries of this dataset.</summary>
    public string? Dataset { get; init; }

    /// <summary>Labels a node must carry to run the job (data that lives only on that node).</summary>
    public IReadOnlyDictionary<string, string>? NodeLabels { get; init; }

    /// <summary>An inline recipe to run instead of one tool; then <see cref="Params"/> is keyed by step id.</summary>
    public RecipeDefinition? Recipe { get; init; }

    /// <summary>A stored recipe to run instead of one tool.</summary>
    public long? RecipeId { get; init; }

    /// <summary>A recipe job's named input paths, which steps use as <c>input:NAME</c>.</summary>
    public IReadOnlyDictionary<string, string>? Inputs { get; init; }

    /// <summary>A recipe job's outputs: <c>"step:ID.output"</c> → where that artifact lands.</summary>
    public IReadOnlyDictionary<string, string>? Outputs { get; init; }

    /// <summary>A recipe job's webhook, called once after it ends.</summary>
    public OnExitRequest? OnExit { get; init; }

    /// <summary>A workspace of the caller's org that pays: the priced estimate is reserved at submit (402 when short).</summary>
    public string? Workspace { get; init; }

    /// <summary>A project of the caller's org the job belongs to (the caller must be a member).</summary>
    public string? Project { get; init; }

    /// <summary>Make the job <c>held</c>: it waits outside the queue until <c>dispatch</c>.</summary>
    public bool? Hold { get; init; }
}

/// <summary>The body of <c>POST /v1/jobs/cleanup</c>.</summary>
public sealed record CleanupRequest
{
    public required double OlderThanS { get; init; }
    public IReadOnlyList<string>? Statuses { get; init; }
}
