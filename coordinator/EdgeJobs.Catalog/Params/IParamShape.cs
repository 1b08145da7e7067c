using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Params;

/// <summary>
/// A JSON converter for a param that takes more than one JSON shape (a string or an object, a string or
/// an array). The converter knows the shapes, so it also checks a value for <see cref="JsonShapeChecker"/>
/// (every violation, named by path, instead of the deserializer's first) and describes them for
/// <see cref="ParamsSchemas"/> (a <c>oneOf</c>): reading, checking and the schema cannot drift apart.
/// </summary>
public interface IParamShape
{
    /// <summary>Adds a violation at <paramref name="path"/> for each way <paramref name="value"/> (never null) does not fit.</summary>
    void Check(JsonElement value, JsonSerializerOptions options, string path, List<ViolationDto> violations);

    /// <summary>The JSON Schema of the shapes (null is added by the property's nullability).</summary>
    JsonNode Schema(JsonSerializerOptions options);
}
