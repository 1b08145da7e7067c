using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeJobs.Coordinator.Auth;

namespace EdgeJobs.Coordinator.Campaigns;

/// <summary>
/// Who submitted a batch, kept with it: its children are checked as that caller's jobs when the page is read, perhaps
/// after a restart (tool scopes, dataset access, org).
/// </summary>
internal sealed record BatchPrincipal(long TokenId, string Name, IReadOnlyList<string> Scopes, string? Org, IReadOnlyList<string>? Datasets)
{
    public static string Of(Principal principal) => JsonSerializer.Serialize(
        new BatchPrincipal(principal.TokenId, principal.Name, [.. principal.Scopes.Order(StringComparer.Ordinal)], principal.Org,
            principal.Datasets is { } d ? [.. d.Order(StringComparer.Ordinal)] : null),
        BatchPrincipalJson.Default.BatchPrincipal);

    public static Principal Read(string json)
    {
        var p = JsonSerializer.Deserialize(json, BatchPrincipalJson.Default.BatchPrincipal)!;
        return new Principal(p.TokenId, p.Name, new HashSet<string>(p.Scopes, StringComparer.Ordinal), p.Org)
        {
            Datasets = p.Datasets is { } d ? new HashSet<string>(d, StringComparer.Ordinal) : null,
        };
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(BatchPrincipal))]
internal sealed partial class BatchPrincipalJson : JsonSerializerContext;
