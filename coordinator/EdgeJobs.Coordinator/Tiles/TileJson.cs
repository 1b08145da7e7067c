using System.Text.Json.Serialization;

namespace EdgeJobs.Coordinator.Tiles;

/// <summary>The tile info's JSON: snake_case like REST API v1.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(TileInfo))]
public sealed partial class TileJson : JsonSerializerContext;
