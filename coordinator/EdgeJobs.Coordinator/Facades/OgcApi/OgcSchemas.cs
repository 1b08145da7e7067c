using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeJobs.Coordinator.Facades.OgcApi;

/// <summary>
/// A tool's params JSON Schema (draft 2020-12, as <c>GET /v1/tools/{id}</c> serves it) in the dialect process
/// descriptions use: OpenAPI 3.0's schema object (<c>schema.yaml</c>), whose <c>type</c> is one name, whose null is
/// <c>nullable</c>, whose exclusive bounds are booleans, and which allows no other keyword. Deriving it from the same
/// schema keeps the catalog, submit's checks and the process description from drifting apart.
/// </summary>
internal static class OgcSchemas
{
    private static readonly HashSet<string> s_kept =
    [
        "title", "description", "format", "default", "pattern", "multipleOf", "minimum", "maximum", "minLength", "maxLength",
        "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "readOnly", "writeOnly", "deprecated",
        "contentMediaType", "contentEncoding",
    ];

    public static JsonNode Convert(JsonNode? schema)
    {
        if (schema is not JsonObject source)
        {
            // true (anything) is the empty schema; false (nothing) is "not anything".
            return schema is JsonValue v && v.GetValueKind() == JsonValueKind.False ? new JsonObject { ["not"] = new JsonObject() } : new JsonObject();
        }

        var target = new JsonObject();
        var nullable = false;
        foreach (var (key, value) in source)
        {
            switch (key)
            {
                case "type" when value is JsonArray types:
                    var named = types.Select(t => t!.GetValue<string>()).ToList();
                    nullable |= named.Remove("null");
                    if (named.Count == 1)
                    {
                        target["type"] = named[0];
                    }
                    else if (named.Count > 1)
                    {
                        target["anyOf"] = new JsonArray([.. named.Select(n => (JsonNode)new JsonObject { ["type"] = n })]);
                    }

                    break;
                case "type":
                    if (value!.GetValue<string>() == "null")
                    {
                        nullable = true;
                    }
                    else
                    {
                        target["type"] = value.DeepClone();
                    }

                    break;
                case "const":
                    target["enum"] = new JsonArray(value?.DeepClone());
                    break;
                case "enum" when value is JsonArray values:
                    var kept = values.Where(e => e is not null).Select(e => e!.DeepClone()).ToArray();
                    nullable |= kept.Length < values.Count;
                    if (kept.Length > 0)
                    {
                        target["enum"] = new JsonArray(kept);
                    }

                    break;
                case "exclusiveMinimum" or "exclusiveMaximum" when value is JsonValue bound && bound.GetValueKind() == JsonValueKind.Number:
                    target[key == "exclusiveMinimum" ? "minimum" : "maximum"] = bound.DeepClone();
                    target[key] = true;
                    break;
                case "properties" when value is JsonObject properties:
                    target["properties"] = new JsonObject(properties.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)Convert(p.Value))));
                    break;
                case "additionalProperties":
                    target[key] = value is JsonObject ? Convert(value) : value?.DeepClone();
                    break;
                case "items":
                case "not":
                    target[key] = Convert(value);
                    break;
                case "oneOf" or "anyOf" or "allOf" when value is JsonArray parts:
                    var converted = parts.Select(Convert).ToList();
                    // A null branch becomes nullable (3.0 has no null type).
                    nullable |= converted.RemoveAll(IsNullOnly) > 0;
                    if (converted.Count > 0)
                    {
                        target[key] = new JsonArray([.. converted]);
                    }

                    break;
                case "required" when value is JsonArray { Count: > 0 }:
                    target[key] = value.DeepClone();
                    break;
                case "examples" when value is JsonArray { Count: > 0 } examples:
                    target["example"] = examples[0]?.DeepClone();
                    break;
                default:
                    if (s_kept.Contains(key))
                    {
                        target[key] = value?.DeepClone();
                    }

                    // Anything else ($schema, $id, prefixItems, …) has no place in a 3.0 schema object.
                    break;
            }
        }

        if (nullable)
        {
            target["nullable"] = true;
        }

        return target;
    }

    private static bool IsNullOnly(JsonNode node) =>
        node is JsonObject o && o.Count == 1 && o["nullable"] is JsonValue n && n.GetValueKind() == JsonValueKind.True;
}
