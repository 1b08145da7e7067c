using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EdgeJobs.Coordinator.Facades.OgcApi;

// OGC API – Processes – Part 1: Core 1.0 shapes (tests/data/ogcapi-processes-1.0/core/openapi/schemas): camelCase, with
// the standard's own spellings where they are not (jobID, processID).

/// <summary>A link (<c>link.yaml</c>).</summary>
public sealed record OgcLink(string Href, string Rel, string Type, string? Title = null);

/// <summary><c>GET /ogcapi/</c> (<c>landingPage.yaml</c>).</summary>
public sealed record OgcLandingPage(string Title, string Description, IReadOnlyList<OgcLink> Links);

/// <summary><c>GET /ogcapi/conformance</c> (<c>confClasses.yaml</c>).</summary>
public sealed record OgcConformance(IReadOnlyList<string> ConformsTo);

/// <summary>
/// A process: its summary in <c>GET /ogcapi/processes</c> (<c>processSummary.yaml</c>), and with <see cref="Inputs"/> and
/// <see cref="Outputs"/> its description in <c>GET /ogcapi/processes/{id}</c> (<c>process.yaml</c>).
/// </summary>
public sealed record OgcProcess
{
    public required string Id { get; init; }
    public required string Version { get; init; }
    public required string Title { get; init; }
    public required string Description { get; init; }
    public required IReadOnlyList<string> Keywords { get; init; }
    public required IReadOnlyList<string> JobControlOptions { get; init; }
    public required IReadOnlyList<string> OutputTransmission { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, OgcInputDescription>? Inputs { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, OgcOutputDescription>? Outputs { get; init; }
    public required IReadOnlyList<OgcLink> Links { get; init; }
}

/// <summary><c>GET /ogcapi/processes</c> (<c>processList.yaml</c>).</summary>
public sealed record OgcProcessList(IReadOnlyList<OgcProcess> Processes, IReadOnlyList<OgcLink> Links);

/// <summary>One input of a process (<c>inputDescription.yaml</c>): one param of its tool.</summary>
public sealed record OgcInputDescription
{
    public required string Title { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; init; }
    public required JsonNode Schema { get; init; }
    public int MinOccurs { get; init; }
    public int MaxOccurs { get; init; } = 1;
}

/// <summary>One output of a process (<c>outputDescription.yaml</c>).</summary>
public sealed record OgcOutputDescription
{
    public required string Title { get; init; }
    public required string Description { get; init; }
    public required JsonNode Schema { get; init; }
}

/// <summary>A job (<c>statusInfo.yaml</c>).</summary>
public sealed record OgcStatusInfo
{
    [JsonPropertyName("processID")]
    public required string ProcessId { get; init; }
    public string Type { get; init; } = "process";
    [JsonPropertyName("jobID")]
    public required string JobId { get; init; }
    public required string Status { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Message { get; init; }
    public required DateTimeOffset Created { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? Started { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? Finished { get; init; }
    public required DateTimeOffset Updated { get; init; }
    public required int Progress { get; init; }
    public required IReadOnlyList<OgcLink> Links { get; init; }
}

/// <summary><c>GET /ogcapi/jobs</c> (<c>jobList.yaml</c>).</summary>
public sealed record OgcJobList(IReadOnlyList<OgcStatusInfo> Jobs, IReadOnlyList<OgcLink> Links);

/// <summary>
/// The body of <c>POST /ogcapi/processes/{id}/execution</c> (<c>execute.yaml</c>): the inputs are the tool's params;
/// <c>response</c> is <c>raw</c> (the default) or <c>document</c>.
/// </summary>
public sealed record OgcExecuteRequest
{
    public Dictionary<string, JsonElement>? Inputs { get; init; }
    public Dictionary<string, OgcOutputRequest>? Outputs { get; init; }
    public string? Response { get; init; }
    public JsonElement? Subscriber { get; init; }
}

/// <summary>How the caller wants one output (<c>output.yaml</c>, with the transmission mode of the execute request).</summary>
public sealed record OgcOutputRequest
{
    public JsonElement? Format { get; init; }
    public string? TransmissionMode { get; init; }
}
