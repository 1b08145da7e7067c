using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeJobs.Coordinator.Credits;

/// <summary>
/// <c>--prices FILE</c>: <c>{"default": {"per_second": 0.1, "per_output_gb": 10}, "tools": {"sleep": {"per_job": 1,
/// "per_second": 0}}}</c>; a field left out is 0 (the default table's, for <c>default</c> left out). Read strictly at start: a typo stops the coordinator with the file and the field, never a
/// price silently left at its default.
/// </summary>
public static class PriceFile
{
    public static PriceTable Load(string path)
    {
        PriceFileDto? dto;
        try
        {
            using var stream = File.OpenRead(path);
            dto = JsonSerializer.Deserialize(stream, PriceFileJson.Default.PriceFileDto);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }

        if (dto is null)
        {
            throw new FormatException($"{path}: expected an object with 'default' and/or 'tools'");
        }

        var fallback = dto.Default is { } d ? Checked(path, "default", d) : PriceTable.Default.Fallback;
        var tools = new Dictionary<string, ToolPrice>(StringComparer.Ordinal);
        foreach (var (tool, price) in dto.Tools ?? new Dictionary<string, ToolPriceDto>())
        {
            tools[tool] = Checked(path, $"tools.{tool}", price);
        }

        return new PriceTable(fallback, tools);
    }

    private static ToolPrice Checked(string path, string field, ToolPriceDto price)
    {
        if (price.PerJob is < 0 or > 1_000_000 || price.PerSecond is < 0 or > 1_000_000 || price.PerOutputGb is < 0 or > 1_000_000)
        {
            throw new FormatException($"{path}: {field}: per_job, per_second and per_output_gb must be between 0 and 1000000 credits");
        }

        return new ToolPrice(price.PerJob, price.PerSecond, price.PerOutputGb);
    }
}

public sealed record ToolPriceDto
{
    public decimal PerJob { get; init; }
    public decimal PerSecond { get; init; }
    public decimal PerOutputGb { get; init; }
}

public sealed record PriceFileDto(ToolPriceDto? Default, IReadOnlyDictionary<string, ToolPriceDto>? Tools);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(PriceFileDto))]
internal sealed partial class PriceFileJson : JsonSerializerContext;
