using EdgeJobs.Catalog.Paths;
using EdgeJobs.Catalog.Recipes;
using EdgeJobs.Catalog.Tools;

namespace EdgeJobs.Agent.Tools;

internal static class InputFiles
{
    /// <summary>
    /// Resolves a tool's input: an earlier recipe step's artifact (<see cref="StepInputs"/>), inside its dataset (<see cref="DatasetInputs"/>), or inside the agent's data root,
    /// checked again here because the file may have changed since the coordinator checked it at submit (or, for a
    /// job on a node's own data, never was). A violation is a fatal bad_input.
    /// </summary>
    public static string Resolve(ToolContext context, string jsonPath, string relativePath)
    {
        if (relativePath.StartsWith(StepReferences.StepPrefix, StringComparison.Ordinal))
        {
            return context.StepInputs is { } steps
                ? steps.Resolve(jsonPath, relativePath, context)
                : throw new ToolFailure("bad_input", $"{jsonPath} '{relativePath}' names a recipe step's output, and this job is not a step of a recipe", retryable: false);
        }

        if (context.Dataset is { } dataset)
        {
            return dataset.Resolve(jsonPath, relativePath, context);
        }

        var (files, violations) = new DataRootPaths(context.DataRoot).ResolveInputs([new InputPath(jsonPath, relativePath)]);
        return violations.Count > 0
            ? throw new ToolFailure("bad_input", $"{relativePath}: {violations[0].Reason}", retryable: false)
            : files[0].FullPath;
    }
}
