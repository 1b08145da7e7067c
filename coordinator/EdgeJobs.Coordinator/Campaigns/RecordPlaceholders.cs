using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EdgeJobs.Coordinator.Campaigns;

/// <summary>
/// <c>{record.FIELD}</c> in a template's string values (params, and a variant's output path), replaced by the record's
/// field: id, path, href, title, stem (the file name without extension) or position (1-based, in the catalog).
/// </summary>
internal static partial class RecordPlaceholders
{
    public static readonly string[] Fields = ["id", "path", "href", "title", "stem", "position"];

    /// <summary>The params of a template that gives none.</summary>
    public static readonly JsonElement NoParams = JsonDocument.Parse("{}").RootElement.Clone();

    [GeneratedRegex(@"\{record\.([A-Za-z_]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    /// <summary>The placeholders in <paramref name="value"/> that name no field.</summary>
    public static IEnumerable<string> Unknown(string value) =>
        Placeholder().Matches(value).Select(m => m.Groups[1].Value).Where(f => Array.IndexOf(Fields, f) < 0);

    /// <summary>Every string in <paramref name="element"/>, keys excluded.</summary>
    public static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        _ => [],
    };

    /// <summary><paramref name="value"/> with the record's fields in; an error names a field the record does not have.</summary>
    public static (string? Value, string? Error) Apply(string value, CatalogRecord record, long position)
    {
        string? missing = null;
        var result = Placeholder().Replace(value, m =>
        {
            var field = m.Groups[1].Value;
            var text = field switch
            {
                "id" => record.Id,
                "path" => record.Path,
                "href" => record.Href,
                "title" => record.Title,
                "stem" => record.Stem,
                "position" => position.ToString(CultureInfo.InvariantCulture),
                _ => null,
            };
            missing ??= text is null ? field : null;
            return text ?? "";
        });
        return missing is null ? (result, null) : (null, $"record '{record.Id}' has no {missing} for {{record.{missing}}}");
    }

    /// <summary>A JSON value with the record's fields in every string; an error names a field the record does not have.</summary>
    public static (string? Json, string? Error) Apply(JsonElement template, CatalogRecord record, long position)
    {
        string? error = null;
        var json = JsonText.Write(writer => Write(writer, template, record, position, ref error));
        return error is null ? (json, null) : (null, error);
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element, CatalogRecord record, long position, ref string? error)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                var (value, problem) = Apply(element.GetString()!, record, position);
                error ??= problem;
                writer.WriteStringValue(value ?? "");
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, record, position, ref error);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, record, position, ref error);
                }

                writer.WriteEndObject();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
