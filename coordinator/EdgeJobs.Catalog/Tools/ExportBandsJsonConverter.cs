using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using EdgeJobs.Catalog.Expressions;
using EdgeJobs.Catalog.Params;
using EdgeJobs.Catalog.Rasters;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Tools;

/// <summary>
/// <c>bands</c> as a selection string (<c>"4,3,2"</c>) or the roles object (<c>{red, nir}</c>, its shape
/// from before selections): read, written back the same way, checked and described as either. A selection
/// may also come as a JSON array of band numbers or one number (what <c>edgejobs submit --param bands=1</c>
/// sends); it is written back as the string.
/// </summary>
public sealed class ExportBandsJsonConverter : JsonConverter<ExportBands>, IParamShape
{
    private const string Expected = "must be a band selection such as " + BandSelection.Example + " (or [4, 3, 2]), or an object naming band roles {blue, green, red, nir, red_edge}";

    public override ExportBands Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var (bands, error) = BandSelection.Parse(reader.GetString()!);
            return bands is not null ? new ExportBands { Selection = bands } : throw new JsonException(error);
        }

        if (reader.TokenType == JsonTokenType.StartObject)
        {
            return new ExportBands { Roles = JsonSerializer.Deserialize(ref reader, RolesInfo(options)) };
        }

        // One number, or an array of them: the same selection as the string of them.
        var numbers = new List<string>();
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                numbers.Add(reader.TokenType == JsonTokenType.Number ? Encoding.UTF8.GetString(reader.ValueSpan) : throw new JsonException(Expected));
            }
        }
        else
        {
            numbers.Add(reader.TokenType == JsonTokenType.Number ? Encoding.UTF8.GetString(reader.ValueSpan) : throw new JsonException(Expected));
        }

        var (selection, numberError) = BandSelection.Parse(string.Join(",", numbers));
        return selection is not null ? new ExportBands { Selection = selection } : throw new JsonException(numberError);
    }

    public override void Write(Utf8JsonWriter writer, ExportBands value, JsonSerializerOptions options)
    {
        if (value.Selection is { } selection)
        {
            writer.WriteStringValue(BandSelection.Format(selection));
        }
        else
        {
            JsonSerializer.Serialize(writer, value.Roles ?? new SpectralBands(), RolesInfo(options));
        }
    }

    public void Check(JsonElement value, JsonSerializerOptions options, string path, List<ViolationDto> violations)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                if (BandSelection.Parse(value.GetString()!).Error is { } error)
                {
                    violations.Add(new ViolationDto(path, error));
                }

                break;
            case JsonValueKind.Object:
                JsonShapeChecker.Check(value, RolesInfo(options), path, violations);
                break;
            case JsonValueKind.Number:
            case JsonValueKind.Array when value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number):
                var numbers = value.ValueKind == JsonValueKind.Number ? [value] : value.EnumerateArray().ToList();
                if (BandSelection.Parse(string.Join(",", numbers.Select(v => v.GetRawText()))).Error is { } numberError)
                {
                    violations.Add(new ViolationDto(path, numberError));
                }

                break;
            default:
                violations.Add(new ViolationDto(path, Expected));
                break;
        }
    }

    public JsonNode Schema(JsonSerializerOptions options) => new JsonObject
    {
        ["oneOf"] = new JsonArray(
            new JsonObject
            {
                ["type"] = "string",
                ["pattern"] = @"^\s*[0-9]+\s*(,\s*[0-9]+\s*)*$",
                ["description"] = "Input bands to export, 1-based, in output order.",
                ["examples"] = new JsonArray("4,3,2"),
            },
            new JsonObject
            {
                ["type"] = "array",
                ["items"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = ExpressionParser.MaxBand },
                ["minItems"] = 1,
            },
            new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = ExpressionParser.MaxBand },
            ParamsSchemas.ExportPart(RolesInfo(options))),
    };

    private static JsonTypeInfo<SpectralBands> RolesInfo(JsonSerializerOptions options) =>
        (JsonTypeInfo<SpectralBands>)options.GetTypeInfo(typeof(SpectralBands));
}
