using EdgeJobs.Agent.Tools;
using EdgeJobs.Catalog.Paths;
using EdgeJobs.Catalog.Tools;

namespace EdgeJobs.Agent.Rasters;

/// <summary>Publishes a finished result from the work dir to the job's <c>output</c> path under the data root.</summary>
internal static class OutputFiles
{
    /// <summary>Hands a tool's result over: to the output path when the params name one, and as the job's artifact.</summary>
    public static void Deliver(ToolContext context, string file, OutputPath? output, string artifactName)
    {
        // On a dataset, the coordinator puts the artifact at the output path when the job completes.
        if (output is not null && context.Dataset is null)
        {
            context.ReportProgress(100, "publishing");
            Publish(context, file, output);
        }

        context.SetArtifact(file, artifactName);
    }

    /// <summary>
    /// Copies <paramref name="file"/> next to the target under a temporary name, then renames it into
    /// place, so readers of the data root never see a half-written raster. Checked again here: the
    /// output may have appeared since submit. Without overwrite, an existing file is never replaced.
    /// </summary>
    public static void Publish(ToolContext context, string file, OutputPath output)
    {
        var (target, violation) = new DataRootPaths(context.DataRoot).ResolveOutput(output);
        if (violation is not null)
        {
            throw new ToolFailure("bad_output", $"{output.RelativePath}: {violation.Reason}", retryable: false);
        }

        var created = MissingDirectories(Path.GetDirectoryName(target)!);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = $"{target}.edgejobs-{context.JobId}-{context.Attempt}.partial";
        var published = false;
        try
        {
            // A stop that came while the tool finished must not cost a copy of its result first.
            context.Cancellation.ThrowIfCancellationRequested();
            File.Copy(file, partial, overwrite: true);
            context.Cancellation.ThrowIfCancellationRequested();
            File.Move(partial, target!, output.Overwrite);
            published = true;
        }
        catch (IOException) when (!output.Overwrite && File.Exists(target))
        {
            throw new ToolFailure("bad_output", $"{output.RelativePath}: appeared while the job ran; set overwrite: true to replace it", retryable: false);
        }
        finally
        {
            File.Delete(partial);
            if (!published)
            {
                RemoveIfEmpty(created);
            }
        }

        context.Log($"wrote {output.RelativePath}");
    }

    /// <summary>The directories that creating <paramref name="dir"/> would make, deepest first.</summary>
    private static List<string> MissingDirectories(string dir)
    {
        var missing = new List<string>();
        for (var d = dir; !Directory.Exists(d); d = Path.GetDirectoryName(d)!)
        {
            missing.Add(d);
        }

        return missing;
    }

    /// <summary>
    /// A stopped or failed publish leaves nothing behind, not even the directories it made for the output;
    /// one another writer has put something in since is kept.
    /// </summary>
    private static void RemoveIfEmpty(List<string> createdDeepestFirst)
    {
        foreach (var dir in createdDeepestFirst)
        {
            try
            {
                if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
                {
                    Directory.Delete(dir);
                }
            }
            catch (IOException)
            {
                return; // filled meanwhile: keep it and its parents
            }
        }
    }
}
