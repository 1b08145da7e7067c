namespace EdgeJobs.Catalog.Tools;

/// <summary>What a tool expects a job to produce and take, before it runs.</summary>
public readonly record struct ToolEstimate(long OutputBytes, double Seconds);

/// <summary>An input file a job's params name: where in the params, and the path relative to the data root.</summary>
public readonly record struct InputPath(string JsonPath, string RelativePath);

/// <summary>An input file as found under the data root: its identity for dedup, and its size for estimates.</summary>
public readonly record struct InputFile(string RelativePath, long SizeBytes, DateTimeOffset ModifiedAt)
{
    /// <summary>Where it really is (links resolved); not part of its identity.</summary>
    public string FullPath { get; init; } = "";
}

/// <summary>
/// Where a job asks its result to be written under the data root (its <c>output</c> param), whether it
/// may replace an existing file, and the extensions the tool writes.
/// </summary>
public sealed record OutputPath(string JsonPath, string RelativePath, bool Overwrite, IReadOnlyList<string> Extensions)
{
    /// <summary>The output is a directory (a recipe step's unpacked directory output): an existing directory there is replaced, not refused.</summary>
    public bool IsDirectory { get; init; }
}
