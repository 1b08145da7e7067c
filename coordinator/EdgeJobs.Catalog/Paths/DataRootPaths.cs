using EdgeJobs.Catalog.Tools;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Paths;

/// <summary>
/// Resolves the paths a job names inside the data root, refusing anything that could read or write
/// outside it: absolute paths, <c>..</c> segments, and symbolic links (at any depth) that lead out.
/// A missing input is refused too, so the caller hears about a typo at submit, not from a failed job;
/// so is an output that exists, unless the job says it may overwrite it.
/// The coordinator checks at submit; the agent checks again (the files may have changed since).
/// </summary>
public sealed class DataRootPaths(string dataRoot)
{
    private readonly string _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataRoot));

    public string DataRoot => _root;

    /// <returns>The files, or the violations (each naming the params path).</returns>
    public (IReadOnlyList<InputFile> Files, IReadOnlyList<ViolationDto> Violations) ResolveInputs(IReadOnlyList<InputPath> inputs)
    {
        var files = new List<InputFile>(inputs.Count);
        var violations = new List<ViolationDto>();
        foreach (var input in inputs)
        {
            if (Check(input.RelativePath) is { } reason)
            {
                violations.Add(new ViolationDto(input.JsonPath, reason));
                continue;
            }

            var full = Path.GetFullPath(Path.Combine(_root, input.RelativePath));
            var real = RealPath(full);
            if (real is null || !IsInside(real))
            {
                violations.Add(new ViolationDto(input.JsonPath, "leaves the data root"));
                continue;
            }

            var info = new FileInfo(real);
            if (!info.Exists)
            {
                violations.Add(new ViolationDto(input.JsonPath, Directory.Exists(real) ? "is a directory, not a file" : "does not exist under the data root"));
                continue;
            }

            files.Add(new InputFile(input.RelativePath, info.Length, info.LastWriteTimeUtc) { FullPath = real });
        }

        return (files, violations);
    }

    /// <summary>
    /// Resolves where a tool may write <paramref name="output"/>: inside the data root (missing parent
    /// directories are created later, inside the root), with a raster extension, not a directory, and not
    /// an existing file unless <see cref="OutputPath.Overwrite"/>.
    /// </summary>
    /// <returns>The full path, or the violation.</returns>
    public (string? FullPath, ViolationDto? Violation) ResolveOutput(OutputPath output)
    {
        if (Check(output.RelativePath) is { } reason)
        {
            return (null, new ViolationDto(output.JsonPath, reason));
        }

        var extension = Path.GetExtension(output.RelativePath).ToLowerInvariant();
        if (!output.Extensions.Contains(extension))
        {
            return (null, new ViolationDto(output.JsonPath, "must end in " + string.Join(" or ", output.Extensions)));
        }

        var full = Path.GetFullPath(Path.Combine(_root, output.RelativePath));
        // The deepest existing ancestor decides where a new file would land; links there are followed.
        var existing = Path.GetDirectoryName(full)!;
        while (!Directory.Exists(existing) && !File.Exists(existing))
        {
            existing = Path.GetDirectoryName(existing)!;
        }

        if (File.Exists(existing))
        {
            return (null, new ViolationDto(output.JsonPath, $"goes through '{Path.GetRelativePath(_root, existing)}', which is a file"));
        }

        var realParent = RealPath(existing);
        if (realParent is null || (realParent != _root && !IsInside(realParent)))
        {
            return (null, new ViolationDto(output.JsonPath, "leaves the data root"));
        }

        var target = Path.Combine(realParent, Path.GetRelativePath(existing, full));
        if (Directory.Exists(target) && !output.IsDirectory)
        {
            return (null, new ViolationDto(output.JsonPath, "is a directory"));
        }

        if (!output.Overwrite && (File.Exists(target) || new FileInfo(target).LinkTarget is not null))
        {
            return (null, new ViolationDto(output.JsonPath, "already exists; set overwrite: true to replace it"));
        }

        return (target, null);
    }

    /// <summary>Why a path's form is refused (empty, absolute, <c>..</c>, NUL); null when it is acceptable. No file-system access.</summary>
    public static string? Check(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return "must not be empty";
        }

        if (path.Contains('\0', StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal))
        {
            return "contains a character that is not allowed in a path";
        }

        if (Path.IsPathRooted(path))
        {
            return "must be relative to the data root";
        }

        return path.Split('/').Any(segment => segment == "..") ? "must not contain '..'" : null;
    }

    private bool IsInside(string full) =>
        full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>
    /// The path with every symbolic link along it resolved; null for a link loop. Under the data root only the parts
    /// below it are looked at: the root is where the operator said it is (walking from / cost two system calls per
    /// folder above it, per input: most of a 10,000-child campaign batch's checks).
    /// </summary>
    private string? RealPath(string full)
    {
        var current = full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? _root : Path.GetPathRoot(full)!;
        foreach (var part in full[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.LinkTarget is null)
            {
                continue;
            }

            try
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                if (target is null)
                {
                    return null;
                }

                current = RealPath(Path.GetFullPath(target.FullName));
                if (current is null)
                {
                    return null;
                }
            }
            catch (IOException)
            {
                return null;
            }
        }

        return current;
    }
}
