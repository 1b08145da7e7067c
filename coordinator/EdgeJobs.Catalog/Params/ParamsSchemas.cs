using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;

namespace EdgeJobs.Catalog.Params;

/// <summary>Exports a params type's JSON Schema, enriched with descriptions and ranges from its attributes.</summary>
internal static class ParamsSchemas
{
    private static readonly JsonSchemaExporterOptions s_options = new()
    {
        TreatNullObliviousAsNonNullable = true,
        TransformSchemaNode = Enrich,
    };

    public static JsonNode Export(JsonTypeInfo typeInfo)
    {
        var schema = typeInfo.GetJsonSchemaAsNode(s_options);
        if (schema is JsonObject root)
        {
            root.Insert(0, "$schema", "https://json-schema.org/draft/2020-12/schema");
            // Unknown fields are refused at submit; say so in the schema as well.
            root["additionalProperties"] = false;
        }

        return schema;
    }

    /// <summary>The schema of a type inside another's (no <c>$schema</c>), enriched the same way.</summary>
    public static JsonNode ExportPart(JsonTypeInfo typeInfo) => typeInfo.GetJsonSchemaAsNode(s_options);

    private static JsonNode Enrich(JsonSchemaExporterContext context, JsonNode schema)
    {
        // A param with several shapes (a custom converter) exports as "anything"; its converter knows better.
        if ((context.PropertyInfo?.CustomConverter ?? context.TypeInfo.Converter) is IParamShape shape)
        {
            schema = shape.Schema(context.TypeInfo.Options);
            if (context.PropertyInfo is { IsSetNullable: true } && schema is JsonObject { } shapes && shapes["oneOf"] is JsonArray oneOf)
            {
                oneOf.Add((JsonNode)new JsonObject { ["type"] = "null" });
            }
        }

        if (schema is not JsonObject node)
        {
            return schema;
        }

        var provider = context.PropertyInfo?.AttributeProvider ?? context.TypeInfo.Type;
        foreach (var attribute in provider.GetCustomAttributes(inherit: false))
        {
            switch (attribute)
            {
                case DescriptionAttribute description:
                    node["description"] = description.Description;
                    break;
                case ParamRangeAttribute range:
                    node["minimum"] = range.Minimum;
                    node["maximum"] = range.Maximum;
                    break;
                case ParamAllowedValuesAttribute allowed:
                    node["enum"] = new JsonArray([.. allowed.Values.Select(v => (JsonNode?)JsonValue.Create(v))]);
                    break;
                default:
                    break;
            }
        }

        return node;
    }
}
