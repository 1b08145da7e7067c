using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using EdgeJobs.Catalog.Params;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Tools;

/// <summary>
/// A tool whose params are the record <typeparamref name="TParams"/>: the schema is exported from it
/// and submit validates by the same type, so the catalog and the validation cannot drift apart.
/// Optional params with a default must be <c>{ get; set; } = default</c>: the source-generated
/// deserializer assigns absent <c>init</c> properties their type's default, losing the initializer.
/// </summary>
public abstract class TypedToolDescriptor<TParams> : ToolDescriptor where TParams : class
{
    private readonly Lazy<JsonNode> _schema;

    protected TypedToolDescriptor(JsonTypeInfo<TParams> typeInfo)
    {
        TypeInfo = typeInfo;
        _schema = new Lazy<JsonNode>(() => ParamsSchemas.Export(typeInfo));
    }

    protected JsonTypeInfo<TParams> TypeInfo { get; }

    public override JsonNode ParamsSchema => _schema.Value;

    /// <summary>Rules a schema cannot say on its own (cross-field checks). Ranges come from attributes.</summary>
    protected virtual void AddCrossFieldViolations(TParams parameters, List<ViolationDto> violations)
    {
    }

    public override ParamsCheck Check(JsonElement? parameters)
    {
        var element = parameters ?? EmptyObject;
        var violations = new List<ViolationDto>();
        JsonShapeChecker.Check(element, TypeInfo, "$.params", violations);
        if (violations.Count > 0)
        {
            return new ParamsCheck(null, violations);
        }

        TParams? typed;
        try
        {
            typed = element.Deserialize(TypeInfo);
        }
        catch (JsonException e)
        {
            // The shape check above catches what it can name precisely; this is the strict last gate.
            violations.Add(new ViolationDto("$.params" + (e.Path ?? "$")[1..], "does not match the params type"));
            return new ParamsCheck(null, violations);
        }

        if (typed is null)
        {
            violations.Add(new ViolationDto("$.params", "must be an object"));
            return new ParamsCheck(null, violations);
        }

        AddCrossFieldViolations(typed, violations);
        return violations.Count > 0
            ? new ParamsCheck(null, violations)
            : new ParamsCheck(JsonSerializer.Serialize(typed, TypeInfo), violations);
    }

    public override IReadOnlyList<InputPath> InputPaths(string canonicalJson) => InputPaths(Read(canonicalJson));

    public override OutputPath? OutputPath(string canonicalJson) => OutputPath(Read(canonicalJson));

    /// <summary>The output the params ask for; none by default.</summary>
    protected virtual OutputPath? OutputPath(TParams parameters) => null;

    /// <summary>The usual raster output: <c>$.params.output</c>, a GeoTIFF, replaced only with <c>overwrite</c>.</summary>
    protected static OutputPath? TiffOutput(string? output, bool overwrite) =>
        output is null ? null : new("$.params.output", output, overwrite, [".tif", ".tiff"]);

    public override ToolEstimate Estimate(string canonicalJson, IReadOnlyList<InputFile> inputs) => Estimate(Read(canonicalJson), inputs);

    /// <summary>Input files in the params; none by default.</summary>
    protected virtual IReadOnlyList<InputPath> InputPaths(TParams parameters) => [];

    /// <summary>By default: output about the size of the inputs, one second per 100 MB of them.</summary>
    protected virtual ToolEstimate Estimate(TParams parameters, IReadOnlyList<InputFile> inputs)
    {
        var bytes = inputs.Sum(i => i.SizeBytes);
        return new ToolEstimate(bytes, Math.Max(1, bytes / 100e6));
    }

    public TParams Read(string canonicalJson) =>
        JsonSerializer.Deserialize(canonicalJson, TypeInfo) ?? throw new JsonException("params are null");

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();
}
