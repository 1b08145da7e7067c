namespace EdgeJobs.Archives.Extraction;

/// <summary>A file written to the staging directory at <c>staging/Path</c>; <paramref name="Sha256"/> is lower-case hex.</summary>
public sealed record StagedFile(string Path, long Size, string Sha256);
