using EdgeJobs.Catalog.Paths;
using EdgeJobs.Catalog.Tools;

namespace EdgeJobs.Agent.Tools;

internal static class InputFiles
{
    /// <summary>
    /// Resolves a tool's input inside the agent's data root, checked again here because the file may
    /// have changed since the coordinator checked it at submit. A violation is a fatal bad_input.
    /// </summary>
    public static string Resolve(ToolContext context, string jsonPath, string relativePath)
    {
        var (files, violations) = new DataRootPaths(context.DataRoot).ResolveInputs([new InputPath(jsonPath, relativePath)]);
        return violations.Count > 0
            ? throw new ToolFailure("bad_input", $"{relativePath}: {violations[0].Reason}", retryable: false)
            : files[0].FullPath;
    }
}
