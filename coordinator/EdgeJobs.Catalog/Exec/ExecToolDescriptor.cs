using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Exec;

/// <summary>
/// An exec tool as the catalog serves it: identity and schema from its manifest, params validated by the schema
/// subset (canonical JSON: the schema's key order, defaults filled), inputs from argv's <c>{name:path}</c>
/// placeholders, and the data-root output from <c>outputs.param</c>.
/// </summary>
public sealed class ExecToolDescriptor(ExecManifest manifest) : ToolDescriptor
{
    private readonly JsonNode _schema = JsonNode.Parse(manifest.ParamsSchema.GetRawText())!;

    public ExecManifest Manifest { get; } = manifest;

    public override string Id => Manifest.Id;

    public override string Version => Manifest.Version;

    public override string Title => Manifest.File.Title;

    public override string Description => Manifest.File.Description ?? Manifest.File.Title;

    public override string Category => Manifest.File.Category ?? "exec";

    public override string RequiredScope => Manifest.RequiredScope;

    public override bool ProducesArtifact => Manifest.HasOutput;

    public override JsonNode ParamsSchema => _schema;

    public override ParamsCheck Check(JsonElement? parameters)
    {
        var violations = new List<ViolationDto>();
        var canonical = JsonSchemaSubset.Canonicalize(Manifest.ParamsSchema, parameters ?? EmptyObject, "$.params", violations);
        return new ParamsCheck(canonical, violations);
    }

    public override IReadOnlyList<InputPath> InputPaths(string canonicalJson)
    {
        using var document = JsonDocument.Parse(canonicalJson);
        return [.. Manifest.Argv.InputPaths(document.RootElement).Select(p => new InputPath(p.JsonPath, p.RelativePath))];
    }

    public override OutputPath? OutputPath(string canonicalJson)
    {
        if (Manifest.File.Outputs?.Param is not { } param)
        {
            return null;
        }

        using var document = JsonDocument.Parse(canonicalJson);
        var root = document.RootElement;
        if (!root.TryGetProperty(param, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var overwrite = root.TryGetProperty("overwrite", out var o) && o.ValueKind == JsonValueKind.True;
        return new OutputPath("$.params." + param, value.GetString()!, overwrite, Manifest.Extensions.Where(e => e.Length > 0).ToArray());
    }

    /// <summary>The extension of <c>{output}</c> for these params: the data-root output's when it names one of the allowed, else the first.</summary>
    public string OutputExtension(string canonicalJson)
    {
        if (OutputPath(canonicalJson) is { } output)
        {
            var extension = Path.GetExtension(output.RelativePath);
            if (Manifest.Extensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
            {
                return extension.ToLowerInvariant();
            }
        }

        return Manifest.Extensions[0];
    }

    public override ToolEstimate Estimate(string canonicalJson, IReadOnlyList<InputFile> inputs)
    {
        var bytes = inputs.Sum(i => i.SizeBytes);
        return new ToolEstimate(bytes, Math.Max(1, bytes / 100e6));
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();
}
