using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Exec;

/// <summary>
/// The JSON Schema subset exec-tool manifests may use, checked and applied without reflection (AOT): <c>type</c>
/// (one of object, string, number, integer, boolean, array), <c>properties</c>, <c>required</c>,
/// <c>additionalProperties</c> (a boolean), <c>enum</c>, <c>minimum</c>, <c>maximum</c>, <c>exclusiveMinimum</c>,
/// <c>exclusiveMaximum</c> (numbers, as in draft 2020-12), <c>minLength</c>, <c>maxLength</c>, <c>pattern</c>
/// (.NET regular expressions, unanchored as JSON Schema's), <c>items</c>, <c>minItems</c>, <c>maxItems</c>,
/// <c>default</c>, <c>description</c>, <c>title</c>. A schema using anything else is refused when the manifest is
/// read: a keyword validated by nobody would let values through that its author meant to refuse.
/// Written here rather than taken from a library: JsonSchema.Net and NJsonSchema build on reflection, and this
/// subset is ~300 lines that the tests pin keyword by keyword.
/// </summary>
public static class JsonSchemaSubset
{
    public static readonly FrozenSet<string> Keywords = FrozenSet.Create(StringComparer.Ordinal,
        "type", "properties", "required", "additionalProperties", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "minLength", "maxLength", "pattern", "items", "minItems", "maxItems", "default", "description", "title");

    private static readonly FrozenSet<string> s_types = FrozenSet.Create(StringComparer.Ordinal, "object", "string", "number", "integer", "boolean", "array");

    private static readonly TimeSpan s_patternTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>A problem in a schema: the path of the offending member below the schema, and why.</summary>
    public readonly record struct SchemaProblem(IReadOnlyList<string> Path, string Reason);

    /// <summary>Checks that <paramref name="schema"/> uses only the subset, soundly (a root of type object); null when it does.</summary>
    public static SchemaProblem? CheckSchema(JsonElement schema)
    {
        var path = new List<string>();
        if (CheckNode(schema, path) is { } problem)
        {
            return problem;
        }

        return Type(schema) == "object" ? null : new SchemaProblem(["type"], "the params schema must be of type \"object\"");
    }

    private static SchemaProblem? CheckNode(JsonElement schema, List<string> path)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return new SchemaProblem([.. path], "a schema must be an object");
        }

        SchemaProblem? Problem(string keyword, string reason) => new SchemaProblem([.. path, keyword], reason);
        foreach (var member in schema.EnumerateObject())
        {
            if (!Keywords.Contains(member.Name))
            {
                return Problem(member.Name, $"'{member.Name}' is not in the JSON Schema subset manifests may use ({string.Join(", ", Keywords.Order(StringComparer.Ordinal))})");
            }
        }

        if (!schema.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || !s_types.Contains(type.GetString()!))
        {
            return Problem("type", "every schema needs a type: one of " + string.Join(", ", s_types.Order(StringComparer.Ordinal)));
        }

        var kind = type.GetString()!;
        foreach (var member in schema.EnumerateObject())
        {
            var value = member.Value;
            var reason = member.Name switch
            {
                "description" or "title" => value.ValueKind == JsonValueKind.String ? null : "must be a string",
                "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" => kind is "number" or "integer"
                    ? value.ValueKind == JsonValueKind.Number ? null : "must be a number"
                    : $"applies to numbers, not to type {kind}",
                "minLength" or "maxLength" or "pattern" when kind != "string" => $"applies to strings, not to type {kind}",
                "minItems" or "maxItems" or "items" when kind != "array" => $"applies to arrays, not to type {kind}",
                "minLength" or "maxLength" or "minItems" or "maxItems" => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= 0 ? null : "must be a non-negative integer",
                "pattern" => PatternProblem(value),
                "properties" or "required" or "additionalProperties" when kind != "object" => $"applies to objects, not to type {kind}",
                "additionalProperties" => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : "must be true or false (schemas here are not supported)",
                "required" => RequiredProblem(schema, value),
                "enum" => value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0 ? null : "must be a non-empty array",
                _ => null,
            };
            if (reason is not null)
            {
                return Problem(member.Name, reason);
            }
        }

        if (schema.TryGetProperty("properties", out var properties))
        {
            if (properties.ValueKind != JsonValueKind.Object)
            {
                return Problem("properties", "must be an object of schemas");
            }

            foreach (var property in properties.EnumerateObject())
            {
                path.AddRange(["properties", property.Name]);
                var problem = CheckNode(property.Value, path);
                path.RemoveRange(path.Count - 2, 2);
                if (problem is not null)
                {
                    return problem;
                }
            }
        }

        if (schema.TryGetProperty("items", out var items))
        {
            path.Add("items");
            var problem = CheckNode(items, path);
            path.RemoveAt(path.Count - 1);
            if (problem is not null)
            {
                return problem;
            }
        }

        // enum members and the default must themselves be valid values of the schema.
        if (schema.TryGetProperty("enum", out var allowed))
        {
            var i = 0;
            foreach (var option in allowed.EnumerateArray())
            {
                if (!IsValid(WithoutEnum(schema), option))
                {
                    return new SchemaProblem([.. path, "enum", i.ToString(CultureInfo.InvariantCulture)], "is not a valid value of its own schema");
                }

                i++;
            }
        }

        if (schema.TryGetProperty("default", out var fallback) && !IsValid(schema, fallback))
        {
            return Problem("default", "is not a valid value of its own schema");
        }

        return null;
    }

    private static string? PatternProblem(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return "must be a string";
        }

        try
        {
            _ = new Regex(value.GetString()!, RegexOptions.CultureInvariant, s_patternTimeout);
            return null;
        }
        catch (ArgumentException e)
        {
            return "is not a valid regular expression: " + e.Message;
        }
    }

    private static string? RequiredProblem(JsonElement schema, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return "must be an array of property names";
        }

        schema.TryGetProperty("properties", out var properties);
        foreach (var name in value.EnumerateArray())
        {
            if (name.ValueKind != JsonValueKind.String)
            {
                return "must be an array of property names";
            }

            if (properties.ValueKind != JsonValueKind.Object || !properties.TryGetProperty(name.GetString()!, out _))
            {
                return $"names '{name.GetString()}', which is not among the properties";
            }
        }

        return null;
    }

    private static JsonElement WithoutEnum(JsonElement schema)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var member in schema.EnumerateObject())
            {
                if (member.Name is not ("enum" or "default"))
                {
                    member.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
    }

    private static bool IsValid(JsonElement schema, JsonElement value)
    {
        var violations = new List<ViolationDto>();
        Validate(schema, value, "$", violations, null);
        return violations.Count == 0;
    }

    private static string? Type(JsonElement schema) =>
        schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;

    /// <summary>
    /// Validates params against a checked schema; on success returns their canonical JSON (see <see cref="Validate"/>),
    /// otherwise null with the violations added.
    /// </summary>
    public static string? Canonicalize(JsonElement schema, JsonElement value, string path, List<ViolationDto> violations)
    {
        var before = violations.Count;
        Validate(schema, value, path, violations, null);
        if (violations.Count > before)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Validate(schema, value, path, violations, writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// Validates <paramref name="value"/> (params of a checked schema) and, when <paramref name="canonical"/> is given,
    /// writes its canonical form there (pass a writer only for a value known valid): an object's declared properties in the schema's order (absent ones with a
    /// default get it; a null counts as absent), then any others (when allowed) in ordinal order; numbers in their
    /// shortest round-trip form. Violations name JSON paths under <paramref name="path"/>.
    /// </summary>
    public static void Validate(JsonElement schema, JsonElement value, string path, List<ViolationDto> violations, Utf8JsonWriter? canonical)
    {
        var type = Type(schema);
        var before = violations.Count;
        switch (type)
        {
            case "object":
                ValidateObject(schema, value, path, violations, canonical);
                return;
            case "array":
                ValidateArray(schema, value, path, violations, canonical);
                return;
            case "string":
                if (value.ValueKind != JsonValueKind.String)
                {
                    violations.Add(new ViolationDto(path, "must be a string"));
                    return;
                }

                CheckString(schema, value.GetString()!, path, violations);
                break;
            case "integer":
                if (value.ValueKind != JsonValueKind.Number || !IsInteger(value))
                {
                    violations.Add(new ViolationDto(path, "must be an integer"));
                    return;
                }

                CheckNumber(schema, value.GetDouble(), path, violations);
                break;
            case "number":
                if (value.ValueKind != JsonValueKind.Number)
                {
                    violations.Add(new ViolationDto(path, "must be a number"));
                    return;
                }

                CheckNumber(schema, value.GetDouble(), path, violations);
                break;
            case "boolean":
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    violations.Add(new ViolationDto(path, "must be true or false"));
                    return;
                }

                break;
        }

        if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(option => JsonElement.DeepEquals(option, value)))
        {
            violations.Add(new ViolationDto(path, "must be one of: " + string.Join(", ", allowed.EnumerateArray().Select(o => o.GetRawText()))));
        }

        if (canonical is not null && violations.Count == before)
        {
            WriteScalar(canonical, type, value);
        }
    }

    private static void ValidateObject(JsonElement schema, JsonElement value, string path, List<ViolationDto> violations, Utf8JsonWriter? canonical)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            violations.Add(new ViolationDto(path, "must be an object"));
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in value.EnumerateObject())
        {
            if (!seen.Add(member.Name))
            {
                violations.Add(new ViolationDto(path + "." + member.Name, "appears more than once"));
            }
        }

        schema.TryGetProperty("properties", out var properties);
        var required = schema.TryGetProperty("required", out var names)
            ? names.EnumerateArray().Select(n => n.GetString()!).ToHashSet(StringComparer.Ordinal)
            : [];
        var closed = schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False;
        canonical?.WriteStartObject();
        var declared = new HashSet<string>(StringComparer.Ordinal);
        if (properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                declared.Add(property.Name);
                var memberPath = path + "." + property.Name;
                if (value.TryGetProperty(property.Name, out var given) && given.ValueKind != JsonValueKind.Null)
                {
                    canonical?.WritePropertyName(property.Name);
                    Validate(property.Value, given, memberPath, violations, canonical);
                }
                else if (property.Value.TryGetProperty("default", out var fallback))
                {
                    if (canonical is not null)
                    {
                        canonical.WritePropertyName(property.Name);
                        Validate(property.Value, fallback, memberPath, violations, canonical);
                    }
                }
                else if (required.Contains(property.Name))
                {
                    violations.Add(new ViolationDto(memberPath, "is required"));
                }
            }
        }

        foreach (var member in value.EnumerateObject().Where(m => !declared.Contains(m.Name)).OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            if (closed)
            {
                violations.Add(new ViolationDto(path + "." + member.Name, "is not a known field"));
            }
            else if (canonical is not null)
            {
                canonical.WritePropertyName(member.Name);
                member.Value.WriteTo(canonical);
            }
        }

        canonical?.WriteEndObject();
    }

    private static void ValidateArray(JsonElement schema, JsonElement value, string path, List<ViolationDto> violations, Utf8JsonWriter? canonical)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            violations.Add(new ViolationDto(path, "must be an array"));
            return;
        }

        var count = value.GetArrayLength();
        if (schema.TryGetProperty("minItems", out var min) && count < min.GetInt32())
        {
            violations.Add(new ViolationDto(path, $"must have at least {min.GetInt32()} items"));
        }

        if (schema.TryGetProperty("maxItems", out var max) && count > max.GetInt32())
        {
            violations.Add(new ViolationDto(path, $"must have at most {max.GetInt32()} items"));
        }

        var hasItems = schema.TryGetProperty("items", out var items);
        canonical?.WriteStartArray();
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemPath = path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            if (hasItems)
            {
                Validate(items, item, itemPath, violations, canonical);
            }
            else
            {
                canonical?.WriteRawValue(item.GetRawText());
            }

            i++;
        }

        canonical?.WriteEndArray();
        if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(option => JsonElement.DeepEquals(option, value)))
        {
            violations.Add(new ViolationDto(path, "must be one of: " + string.Join(", ", allowed.EnumerateArray().Select(o => o.GetRawText()))));
        }
    }

    private static void CheckString(JsonElement schema, string text, string path, List<ViolationDto> violations)
    {
        var length = text.EnumerateRunes().Count();
        if (schema.TryGetProperty("minLength", out var min) && length < min.GetInt32())
        {
            violations.Add(new ViolationDto(path, $"must be at least {min.GetInt32()} characters"));
        }

        if (schema.TryGetProperty("maxLength", out var max) && length > max.GetInt32())
        {
            violations.Add(new ViolationDto(path, $"must be at most {max.GetInt32()} characters"));
        }

        if (schema.TryGetProperty("pattern", out var pattern))
        {
            bool matches;
            try
            {
                matches = Regex.IsMatch(text, pattern.GetString()!, RegexOptions.CultureInvariant, s_patternTimeout);
            }
            catch (RegexMatchTimeoutException)
            {
                matches = false;
            }

            if (!matches)
            {
                violations.Add(new ViolationDto(path, $"must match the pattern {pattern.GetString()}"));
            }
        }
    }

    private static void CheckNumber(JsonElement schema, double number, string path, List<ViolationDto> violations)
    {
        static string Text(JsonElement bound) => bound.GetRawText();
        if (schema.TryGetProperty("minimum", out var minimum) && number < minimum.GetDouble())
        {
            violations.Add(new ViolationDto(path, $"must be at least {Text(minimum)}"));
        }

        if (schema.TryGetProperty("maximum", out var maximum) && number > maximum.GetDouble())
        {
            violations.Add(new ViolationDto(path, $"must be at most {Text(maximum)}"));
        }

        if (schema.TryGetProperty("exclusiveMinimum", out var above) && number <= above.GetDouble())
        {
            violations.Add(new ViolationDto(path, $"must be greater than {Text(above)}"));
        }

        if (schema.TryGetProperty("exclusiveMaximum", out var below) && number >= below.GetDouble())
        {
            violations.Add(new ViolationDto(path, $"must be less than {Text(below)}"));
        }
    }

    private static bool IsInteger(JsonElement value) =>
        value.TryGetInt64(out _) || (value.TryGetDouble(out var d) && double.IsFinite(d) && Math.Floor(d) == d && Math.Abs(d) < 9.007199254740992e15);

    private static void WriteScalar(Utf8JsonWriter writer, string? type, JsonElement value)
    {
        switch (type)
        {
            case "integer":
                writer.WriteNumberValue(value.TryGetInt64(out var whole) ? whole : (long)value.GetDouble());
                break;
            case "number":
                var d = value.GetDouble();
                if (Math.Floor(d) == d && Math.Abs(d) < 9.007199254740992e15)
                {
                    writer.WriteNumberValue((long)d);
                }
                else
                {
                    writer.WriteNumberValue(d);
                }

                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }
}
