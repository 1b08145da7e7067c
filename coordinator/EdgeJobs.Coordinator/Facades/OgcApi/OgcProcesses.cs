using System.Text.Json.Nodes;
using EdgeJobs.Catalog.Tools;

namespace EdgeJobs.Coordinator.Facades.OgcApi;

/// <summary>
/// The catalog's tools as OGC processes: one process per tool (built-in or exec), its inputs the tool's params — each
/// described from the params JSON Schema the catalog serves (<see cref="OgcSchemas"/>) — and its output the job's
/// artifact, by reference, except <c>echo</c>'s, whose string is answered by value.
/// </summary>
internal static class OgcProcesses
{
    /// <summary>The output of every tool that makes an artifact: a link to it.</summary>
    public const string ArtifactOutput = "result";

    /// <summary><c>echo</c>'s output: its string, by value.</summary>
    public const string EchoOutput = "string_output";

    public static readonly IReadOnlyList<string> JobControl = ["sync-execute", "async-execute", "dismiss"];

    /// <summary>
    /// Dataset tools work on a whole dataset named beside the params (<c>"dataset"</c>), which an execute request has no
    /// place for; they are reached through <c>/v1/jobs</c> and the DroneDB API.
    /// </summary>
    public static bool IsProcess(ToolDescriptor tool) => !tool.RequiresDataset;

    /// <summary>Whether the tool's output is answered by value (its artifact read back) rather than as a link.</summary>
    public static bool ByValue(ToolDescriptor tool) => tool.Id == EchoTool.Instance.Id;

    public static OgcProcess Summary(ToolDescriptor tool, OgcLinks links) => new()
    {
        Id = tool.Id,
        Version = tool.Version,
        Title = tool.Title,
        Description = tool.Description,
        Keywords = [tool.Category],
        JobControlOptions = JobControl,
        OutputTransmission = tool.ProducesArtifact ? [ByValue(tool) ? "value" : "reference"] : [],
        Links = [new OgcLink(links.Process(tool.Id), "self", OgcLinks.Json, tool.Title)],
    };

    public static OgcProcess Describe(ToolDescriptor tool, OgcLinks links) => Summary(tool, links) with
    {
        Inputs = Inputs(tool.ParamsSchema),
        Outputs = Outputs(tool),
        Links =
        [
            new OgcLink(links.Process(tool.Id), "self", OgcLinks.Json, tool.Title),
            new OgcLink(links.Process(tool.Id) + "/execution", OgcLinks.RelExecute, OgcLinks.Json, "Execute " + tool.Id),
        ],
    };

    /// <summary>One input per param: its schema as the process description dialect says it, required ones at least once.</summary>
    internal static Dictionary<string, OgcInputDescription> Inputs(JsonNode paramsSchema)
    {
        var inputs = new Dictionary<string, OgcInputDescription>(StringComparer.Ordinal);
        var required = paramsSchema["required"] is JsonArray names ? names.Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) : [];
        if (paramsSchema["properties"] is not JsonObject properties)
        {
            return inputs;
        }

        foreach (var (name, schema) in properties)
        {
            inputs[name] = new OgcInputDescription
            {
                Title = name,
                Description = schema?["description"]?.GetValue<string>(),
                Schema = OgcSchemas.Convert(schema),
                MinOccurs = required.Contains(name) ? 1 : 0,
                MaxOccurs = 1,
            };
        }

        return inputs;
    }

    private static Dictionary<string, OgcOutputDescription> Outputs(ToolDescriptor tool)
    {
        if (!tool.ProducesArtifact)
        {
            return [];
        }

        return ByValue(tool)
            ? new() { [EchoOutput] = new() { Title = "The string", Description = "string_input, unchanged.", Schema = new JsonObject { ["type"] = "string" } } }
            : new()
            {
                [ArtifactOutput] = new()
                {
                    Title = "The job's artifact",
                    Description = "A link to the file the job made (GET /v1/jobs/{id}/artifact, with the same bearer token).",
                    Schema = new JsonObject { ["type"] = "string", ["contentMediaType"] = MediaTypes.Binary },
                },
            };
    }
}
