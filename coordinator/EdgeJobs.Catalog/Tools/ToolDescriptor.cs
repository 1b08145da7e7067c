using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Tools;

/// <summary>
/// What the coordinator knows about a tool: identity, scope, catalog schema, and how to check and
/// estimate its params. The agent adds the run method on its side; the coordinator never needs it.
/// </summary>
public abstract class ToolDescriptor
{
    public abstract string Id { get; }
    public abstract string Version { get; }
    public abstract string Title { get; }
    public abstract string Description { get; }
    public abstract string Category { get; }
    public abstract string RequiredScope { get; }
    public abstract bool ProducesArtifact { get; }

    /// <summary>A dataset tool: it works on a whole dataset, so a job of it must name one (<c>"dataset": "org/ds"</c>).</summary>
    public virtual bool RequiresDataset => false;

    /// <summary>It changes its dataset's entries itself (beyond an <c>output</c>): a job of it needs <c>datasets:write</c>.</summary>
    public virtual bool WritesDataset => false;

    /// <summary>The JSON Schema of the params, exported from the params type.</summary>
    public abstract JsonNode ParamsSchema { get; }

    /// <summary>
    /// Checks params against the type and its value rules. On success, returns the canonical JSON
    /// (defaults filled in, keys in a fixed order) that the ledger stores and dedup hashes.
    /// </summary>
    public abstract ParamsCheck Check(JsonElement? parameters);

    /// <summary>The input files named by checked (canonical) params, relative to the data root.</summary>
    public abstract IReadOnlyList<InputPath> InputPaths(string canonicalJson);

    /// <summary>
    /// The URLs checked (canonical) params read from (each with the params path naming it): the coordinator lets a job
    /// name only hosts on its <c>--input-url-allow</c>. None by default.
    /// </summary>
    public virtual IReadOnlyList<(string ParamsPath, Uri Url)> InputUrls(string canonicalJson) => [];

    /// <summary>Where checked (canonical) params ask the result to be written in the data root; null when they do not.</summary>
    public virtual OutputPath? OutputPath(string canonicalJson) => null;

    /// <summary>Expected output size and run time for checked params and their resolved inputs.</summary>
    public abstract ToolEstimate Estimate(string canonicalJson, IReadOnlyList<InputFile> inputs);

    public ToolDto ToDto() =>
        new(Id, Version, Title, Description, Category, RequiredScope, ProducesArtifact, ParamsSchema.DeepClone());
}

public readonly record struct ParamsCheck(string? CanonicalJson, IReadOnlyList<ViolationDto> Violations)
{
    public bool IsValid => CanonicalJson is not null;
}
