using EdgeJobs.Agent.Tools;
using EdgeJobs.Protocol.Tools;

namespace EdgeJobs.Agent.Rasters;

/// <summary>Publishes a finished result from the work dir to the job's <c>output</c> path under the data root.</summary>
internal static class OutputFiles
{
    /// <summary>Hands a tool's result over: to the output path when the params name one, and as the job's artifact.</summary>
    public static void Deliver(ToolContext context, string file, OutputPath? output, string artifactName)
    {
        if (output is not null)
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

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = $"{target}.edgejobs-{context.JobId}-{context.Attempt}.partial";
        try
        {
            File.Copy(file, partial, overwrite: true);
            context.Cancellation.ThrowIfCancellationRequested();
            File.Move(partial, target!, output.Overwrite);
        }
        catch (IOException) when (!output.Overwrite && File.Exists(target))
        {
            throw new ToolFailure("bad_output", $"{output.RelativePath}: appeared while the job ran; set overwrite: true to replace it", retryable: false);
        }
        finally
        {
            File.Delete(partial);
        }

        context.Log($"wrote {output.RelativePath}");
    }
}
