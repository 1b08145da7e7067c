using System.Text.Json;

namespace EdgeJobs.Catalog.Exec;

/// <summary>
/// A manifest file as written (issue 13's fixed shape; README "Exec tools"): these names exactly, snake_case, no
/// others. <see cref="ExecManifest.Parse"/> checks what the types cannot say.
/// </summary>
public sealed record ExecManifestFile
{
    public required string Id { get; init; }

    public required string Version { get; init; }

    public required string Title { get; init; }

    public string? Description { get; init; }

    public string? Category { get; init; }

    /// <summary>The scope a job of it needs; <c>jobs:write</c> when absent.</summary>
    public string? Scope { get; init; }

    /// <summary>The params' JSON Schema, within the subset <see cref="JsonSchemaSubset"/> knows.</summary>
    public required JsonElement ParamsSchema { get; init; }

    /// <summary>Strings, or arrays of strings (a group kept only when every param it names has a value).</summary>
    public required JsonElement[] Argv { get; init; }

    /// <summary>Variables set for the program, on top of the agent's minimal base.</summary>
    public Dictionary<string, string>? Env { get; init; }

    public ExecOutputsFile? Outputs { get; init; }

    /// <summary>The artifact's download name without its extension; the tool's id when absent.</summary>
    public string? Artifact { get; init; }

    /// <summary><c>"gdal"</c> or <c>{"regex": "...(?&lt;percent&gt;...)..."}</c>.</summary>
    public JsonElement? Progress { get; init; }

    public double? TimeoutS { get; init; }

    /// <summary>After SIGTERM, how long the program's process group has before SIGKILL (default 10).</summary>
    public double? KillGraceS { get; init; }

    public int[]? RetryableExitCodes { get; init; }
}

/// <summary>What <c>{output}</c> is: a file (with one of the extensions) or a directory (zipped as the artifact).</summary>
public sealed record ExecOutputsFile
{
    /// <summary><c>file</c> (default) or <c>directory</c>.</summary>
    public string? Type { get; init; }

    /// <summary>For a file: the extensions it may have, the first the default (<c>[".gpkg", ".geojson"]</c>).</summary>
    public string[]? Extensions { get; init; }

    /// <summary>
    /// A string param naming a data-root path where the result is also published when the job succeeds (as the
    /// built-in tools' <c>output</c>); its extension picks the output's. A boolean param <c>overwrite</c> allows replacing.
    /// </summary>
    public string? Param { get; init; }
}
