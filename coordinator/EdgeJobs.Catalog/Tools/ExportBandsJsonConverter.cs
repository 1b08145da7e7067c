using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using EdgeJobs.Catalog.Params;
using EdgeJobs.Catalog.Rasters;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Tools;

/// <summary>
/// <c>bands</c> as a selection string (<c>"4,3,2"</c>) or the roles object (<c>{red, nir}</c>, its shape
/// from before selections): read, written back the same way, checked and described as either.
/// </summary>
public sealed class ExportBandsJsonConverter : JsonConverter<ExportBands>, IParamShape
{
    private const string Expected = "must be a band selection such as " + BandSelection.Example + ", or an object naming band roles {blue, green, red, nir, red_edge}";

    public override ExportBands Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var (bands, error) = BandSelection.Parse(reader.GetString()!);
            return bands is not null ? new ExportBands { Selection = bands } : throw new JsonException(error);
        }

        return reader.TokenType == JsonTokenType.StartObject
            ? new ExportBands { Roles = JsonSerializer.Deserialize(ref reader, RolesInfo(options)) }
            : throw new JsonException(Expected);
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
            ParamsSchemas.ExportPart(RolesInfo(options))),
    };

    private static JsonTypeInfo<SpectralBands> RolesInfo(JsonSerializerOptions options) =>
        (JsonTypeInfo<SpectralBands>)options.GetTypeInfo(typeof(SpectralBands));
}
