namespace EdgeJobs.Catalog.Exec;

/// <summary>A manifest that cannot be used: where (file and 1-based line, 0 when unknown) and why.</summary>
public sealed class ExecManifestException(string source, int line, string reason)
    : Exception(line > 0 ? $"{source}:{line}: {reason}" : $"{source}: {reason}")
{
    /// <summary>The manifest's file (or, for one an agent advertised, the agent and the tool).</summary>
    public string File { get; } = source;

    public int Line { get; } = line;

    public string Reason { get; } = reason;
}
