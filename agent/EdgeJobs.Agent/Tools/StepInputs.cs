using EdgeJobs.Catalog.Recipes;
using EdgeJobs.Protocol.Link;

namespace EdgeJobs.Agent.Tools;

/// <summary>
/// The earlier steps' artifacts a recipe's step job may name in its params (<c>"step:ID.output"</c>), as its grant
/// gave them: URLs on the coordinator valid while the lease holds. Each is downloaded into the work dir once (under its
/// own file name, so GDAL sees its extension) or read through <c>/vsicurl/</c>.
/// </summary>
public sealed class StepInputs(IReadOnlyList<StepArtifact> artifacts, long downloadUpToBytes)
{
    private readonly Dictionary<string, string> _resolved = new(StringComparer.Ordinal);

    /// <summary>What GDAL opens for <paramref name="reference"/>; a reference to no artifact is a non-retryable bad_input naming <paramref name="jsonPath"/>.</summary>
    public string Resolve(string jsonPath, string reference, ToolContext context)
    {
        lock (_resolved)
        {
            if (_resolved.TryGetValue(reference, out var done))
            {
                return done;
            }
        }

        var artifact = artifacts.FirstOrDefault(a => a.Reference == reference)
            ?? throw new ToolFailure("bad_input", $"{jsonPath} '{reference}': that step made no artifact for this one to read", retryable: false);
        StepReferences.TryStep(reference, out var stepId);
        var target = Path.Combine(context.WorkDir, "inputs", "steps", stepId ?? "step", Path.GetFileName(artifact.FileName));
        var path = HttpInputs.Download(context, artifact.Url, target, $"the output of step '{stepId}'", downloadUpToBytes) ?? "/vsicurl/" + artifact.Url;
        lock (_resolved)
        {
            _resolved[reference] = path;
        }

        return path;
    }
}
