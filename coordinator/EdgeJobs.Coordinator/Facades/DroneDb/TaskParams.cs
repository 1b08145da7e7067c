using System.Text;
using System.Text.Json;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Facades.DroneDb;

/// <summary>
/// A task's params as the seed writes them (camelCase, the input as a top-level <c>path</c>, the dataset output as
/// <c>outputPath</c>, null for "not given") to the tool's canonical params (snake_case, <c>path</c> and <c>output</c>
/// inside the params), and back: the answers show params, and refusals name fields, as the seed user wrote them.
/// The tool itself checks the result, so a param it does not have is refused by the tool, named in camelCase.
/// </summary>
internal static class TaskParams
{
    /// <summary>The seed's name of the output param; EdgeJobs' tools call it <c>output</c>.</summary>
    public const string OutputPath = "outputPath";

    /// <summary>The mapped params, or the violations (seed field names).</summary>
    /// <param name="Force">The seed's <c>build</c> takes <c>force</c> (rebuild) as a param: EdgeJobs' build always builds, so it means the submit's force (no dedup).</param>
    public sealed record Mapped(JsonElement? Params, bool Force, IReadOnlyList<ViolationDto> Violations);

    public static Mapped ToTool(string toolId, string? path, JsonElement? seedParams)
    {
        var violations = new List<ViolationDto>();
        var members = new List<(string Name, JsonElement Value)>();
        var force = false;
        if (seedParams is { ValueKind: not JsonValueKind.Null } given)
        {
            if (given.ValueKind != JsonValueKind.Object)
            {
                return new Mapped(null, false, [new ViolationDto("$.params", "must be an object")]);
            }

            foreach (var member in given.EnumerateObject())
            {
                if (member.Value.ValueKind == JsonValueKind.Null)
                {
                    continue; // The seed writes optional params as null: not given.
                }

                var name = member.Name == OutputPath ? "output" : ToSnake(member.Name);
                if (toolId == "build" && name == "force" && member.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    force = member.Value.ValueKind == JsonValueKind.True;
                    continue;
                }

                if (members.Any(m => m.Name == name))
                {
                    violations.Add(new ViolationDto("$.params." + member.Name, $"names the param '{ToSeed(name)}' a second time"));
                    continue;
                }

                members.Add((name, member.Value));
            }
        }

        if (path is not null)
        {
            var inParams = members.FindIndex(m => m.Name == "path");
            if (inParams >= 0 && !(members[inParams].Value.ValueKind == JsonValueKind.String && members[inParams].Value.GetString() == path))
            {
                violations.Add(new ViolationDto("$.path", "differs from params.path; give the input once"));
            }
            else if (inParams < 0)
            {
                members.Insert(0, ("path", JsonSerializer.SerializeToElement(path, RestJsonContext.Default.String)));
            }
        }

        if (violations.Count > 0)
        {
            return new Mapped(null, force, violations);
        }

        var json = JsonText.Write(writer =>
        {
            writer.WriteStartObject();
            foreach (var (name, value) in members)
            {
                writer.WritePropertyName(name);
                WriteRenamed(writer, value, ToSnake);
            }

            writer.WriteEndObject();
        });
        using var document = JsonDocument.Parse(json);
        return new Mapped(document.RootElement.Clone(), force, []);
    }

    /// <summary>A tool's canonical params as the seed shows them: camelCase, <c>output</c> as <c>outputPath</c>.</summary>
    public static JsonElement ToSeedParams(string canonicalJson)
    {
        using var canonical = JsonDocument.Parse(canonicalJson);
        var json = JsonText.Write(writer =>
        {
            writer.WriteStartObject();
            foreach (var member in canonical.RootElement.EnumerateObject())
            {
                // Only the top-level output is the dataset output; nested members follow the plain rule.
                writer.WritePropertyName(ToSeed(member.Name));
                WriteRenamed(writer, member.Value, ToCamel);
            }

            writer.WriteEndObject();
        });
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// A violation's path as the seed user wrote the field: <c>$.tool</c> → <c>$.toolId</c>, <c>$.params.source_path</c> →
    /// <c>$.params.sourcePath</c>, <c>$.params.output</c> → <c>$.params.outputPath</c>, and <c>$.params.path</c> → <c>$.path</c>
    /// when the path was given at the top.
    /// </summary>
    public static string SeedPath(string path, bool pathOnTop)
    {
        const string prefix = "$.params.";
        if (path == "$.tool")
        {
            return "$.toolId";
        }

        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return path;
        }

        var segments = path[prefix.Length..].Split('.');
        if (pathOnTop && segments[0] == "path")
        {
            return "$.path" + path[(prefix.Length + "path".Length)..];
        }

        segments[0] = segments[0] == "output" ? OutputPath : segments[0];
        return prefix + string.Join('.', segments.Select(segment => ToCamel(segment)));
    }

    /// <summary><c>sourcePath</c> → <c>source_path</c>; a snake_case name stays as it is.</summary>
    public static string ToSnake(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                text.Append(text.Length > 0 ? "_" : "").Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    /// <summary><c>source_path</c> → <c>sourcePath</c>; an index suffix (<c>paths[1]</c>) is kept.</summary>
    public static string ToCamel(string name)
    {
        var parts = name.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    private static string ToSeed(string name) => name == "output" ? OutputPath : ToCamel(name);

    /// <summary>Copies <paramref name="value"/>, renaming every object's members (nested ones too); values as they are.</summary>
    private static void WriteRenamed(Utf8JsonWriter writer, JsonElement value, Func<string, string> rename)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var member in value.EnumerateObject())
                {
                    writer.WritePropertyName(rename(member.Name));
                    WriteRenamed(writer, member.Value, rename);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteRenamed(writer, item, rename);
                }

                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }
}
