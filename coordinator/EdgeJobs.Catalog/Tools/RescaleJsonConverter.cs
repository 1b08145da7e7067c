using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EdgeJobs.Catalog.Params;
using EdgeJobs.Catalog.Rasters;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Tools;

/// <summary>
/// <c>rescale</c> as the array it has always been, or DroneDB's and titiler's string <c>"-1,1"</c>. Written
/// back as the array: the same stretch is the same params, whichever way it was asked for.
/// </summary>
public sealed class RescaleJsonConverter : JsonConverter<double[]>, IParamShape
{
    private const string Expected = "must be [min, max] or [min, max, to_min, to_max], or the same as a string, e.g. \"-1,1\"";

    public override double[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var (values, error) = RescaleText.Parse(reader.GetString()!);
            return values ?? throw new JsonException(error);
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException(Expected);
        }

        var list = new List<double>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            list.Add(reader.TokenType == JsonTokenType.Number ? reader.GetDouble() : throw new JsonException(Expected));
        }

        return [.. list];
    }

    public override void Write(Utf8JsonWriter writer, double[] value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var v in value)
        {
            writer.WriteNumberValue(v);
        }

        writer.WriteEndArray();
    }

    /// <summary>The kind and syntax; counts and ranges are checked on the numbers, whichever way they came.</summary>
    public void Check(JsonElement value, JsonSerializerOptions options, string path, List<ViolationDto> violations)
    {
        var error = value.ValueKind switch
        {
            JsonValueKind.String => RescaleText.Parse(value.GetString()!).Error,
            JsonValueKind.Array => value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d)) ? null : "must hold finite numbers",
            _ => Expected,
        };
        if (error is not null)
        {
            violations.Add(new ViolationDto(path, error));
        }
    }

    public JsonNode Schema(JsonSerializerOptions options) => new JsonObject
    {
        ["oneOf"] = new JsonArray(
            new JsonObject
            {
                ["type"] = "array",
                ["items"] = new JsonObject { ["type"] = "number" },
                ["minItems"] = 2,
                ["maxItems"] = 4,
            },
            new JsonObject
            {
                ["type"] = "string",
                ["pattern"] = @"^[^,]+,[^,]+(,[^,]+,[^,]+)?$",
                ["examples"] = new JsonArray("-1,1", "0,3000,1,255"),
            }),
    };
}
