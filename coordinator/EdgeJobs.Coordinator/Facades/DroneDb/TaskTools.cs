using System.Text.Json.Nodes;
using EdgeJobs.Catalog.Tools;

namespace EdgeJobs.Coordinator.Facades.DroneDb;

/// <summary>
/// The catalog's tools as seed 003 describes them. Every tool of the catalog is offered (tasks are jobs like any
/// other). Access: a task that writes into the dataset (an <c>outputPath</c>) needs Write, one that only reads it
/// needs Read. align-raster and merge-multispectral exist in the seed to write their result into the dataset, so
/// there <c>outputPath</c> is required and they need Write, as the seed's table says; every other tool needs Read and
/// gives its result as the task's artifact, or — with an <c>outputPath</c> — also puts it into the dataset (then Write).
/// </summary>
internal static class TaskTools
{
    public const string Read = "Read";
    public const string Write = "Write";

    /// <summary>Whether the seed's form of the tool writes into the dataset, so <c>outputPath</c> is required.</summary>
    public static bool RequiresOutput(ToolDescriptor tool) => tool.Id is "align-raster" or "merge-multispectral";

    public static TaskToolDto ToDto(ToolDescriptor tool) =>
        new(tool.Id, tool.Version, tool.Title, tool.Description, RequiresOutput(tool) ? Write : Read, tool.ProducesArtifact, Schema(tool));

    /// <summary>The params' JSON Schema with the names the seed user writes: camelCase, <c>output</c> as <c>outputPath</c>.</summary>
    public static JsonNode Schema(ToolDescriptor tool)
    {
        var schema = tool.ParamsSchema.DeepClone();
        Rename(schema, topLevel: true);
        if (RequiresOutput(tool) && schema is JsonObject root)
        {
            var required = root["required"] as JsonArray ?? [];
            required.Add((JsonNode?)JsonValue.Create(TaskParams.OutputPath));
            root["required"] = required;
        }

        return schema;
    }

    private static void Rename(JsonNode? node, bool topLevel)
    {
        switch (node)
        {
            case JsonObject schema:
                if (schema["properties"] is JsonObject properties)
                {
                    var renamed = new JsonObject();
                    foreach (var (name, value) in properties.ToList())
                    {
                        properties.Remove(name);
                        Rename(value, topLevel: false);
                        renamed[SeedName(name, topLevel)] = value;
                    }

                    schema["properties"] = renamed;
                }

                if (schema["required"] is JsonArray required)
                {
                    schema["required"] = new JsonArray([.. required.Select(r => (JsonNode?)JsonValue.Create(SeedName(r!.GetValue<string>(), topLevel)))]);
                }

                foreach (var (name, value) in schema.ToList())
                {
                    if (name is not ("properties" or "required"))
                    {
                        Rename(value, topLevel: false);
                    }
                }

                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    Rename(item, topLevel: false);
                }

                break;
            default:
                break;
        }
    }

    private static string SeedName(string name, bool topLevel) => topLevel && name == "output" ? TaskParams.OutputPath : TaskParams.ToCamel(name);
}
