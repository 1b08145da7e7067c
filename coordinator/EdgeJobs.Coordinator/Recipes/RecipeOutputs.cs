using System.Globalization;
using EdgeJobs.Catalog.Paths;
using EdgeJobs.Catalog.Recipes;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Artifacts;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Datasets;
using EdgeJobs.Protocol.Jobs;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator.Recipes;

/// <summary>
/// Where a step's artifact lands (a recipe job's <c>outputs</c>): a dataset entry, or a path in the data root.
/// <paramref name="Directory"/>: the artifact is a directory output its agent zipped (an exec tool's <c>outputs.type</c>
/// "directory"), which lands in the data root as the directory it was.
/// </summary>
public sealed record RecipeOutputTarget(string? Org, string? Dataset, string Path, bool Directory = false);

/// <summary>
/// Puts a step's artifact where its recipe job's <c>outputs</c> say, only when the step completes, atomically. On a
/// dataset it is a dataset output like any job's (Datasets/DatasetOutputs: indexed in the step's own transaction). In
/// the data root, everything slow happens before the step's commit: the artifact gets a second name (a hard link, no
/// copy) staged as <c>DATA_DIR/recipe-outputs/job-{id}.out</c>, and is made ready beside its target as
/// <c>TARGET.job-{id}.part</c> (linked, or for a directory output unpacked). An output that cannot land fails the step
/// with nothing kept. Then the ledger ends the step, and a completed step's output is renamed over its target, so a
/// reader sees the old file or the new one, never part of one, and a client that reads the step completed finds its
/// output there but for the renames. A crash after the commit is finished at the next start (<see cref="RecoverAsync"/>).
/// A path ending in '/' is a folder: the artifact goes in it under its own name.
/// </summary>
internal sealed class RecipeOutputs(JobLedger ledger, ToolCatalog catalog, string dataDir, string dataRoot, ILogger logger)
{
    /// <summary>An output ready beside its target (<paramref name="Part"/>): what is left after the commit is renaming it in.</summary>
    private sealed record Ready(string Shown, string Target, string Part, bool Directory, long Bytes);

    private string StagingDir => Path.Combine(dataDir, "recipe-outputs");

    /// <summary>Where <paramref name="job"/>'s artifact goes, if it is a step whose reference its recipe job's outputs name.</summary>
    public async Task<RecipeOutputTarget?> TargetOfAsync(JobRow job)
    {
        if (job is not { StepId: { } step, ParentId: { } recipeJobId } || await ledger.GetJobRecipeAsync(recipeJobId).ConfigureAwait(false) is not { } recipe)
        {
            return null;
        }

        if (!RecipeJobView.Map(recipe.Outputs).TryGetValue(StepReferences.Of(step), out var path))
        {
            return null;
        }

        var made = catalog.Find(job.Tool, job.ToolVersion) is Catalog.Exec.ExecToolDescriptor { Manifest: { OutputIsDirectory: true } manifest } ? manifest : null;
        var directory = made is not null;
        if (job.Dataset is not null)
        {
            // In a dataset a directory lands as a folder of entries (Datasets/DatasetOutputs.FinishDirectoryAsync); a
            // target ending in '/' puts it under the artifact's name, as in the data root.
            var folder = made is not null && path.EndsWith('/') ? path + Path.GetFileNameWithoutExtension(made.ArtifactName("")) : path;
            return DatasetPaths.Check(folder, out var entry) is null ? new RecipeOutputTarget(job.Org, job.Dataset, entry, directory) : null;
        }

        return DataRootPaths.Check(path) is null ? new RecipeOutputTarget(null, null, path, directory) : null;
    }

    /// <summary>
    /// Ends the step's attempt; when it completed, its artifact is at <paramref name="target"/> in the data root. An output
    /// that cannot be made ready there (the path now leaves the root or goes through a file, a directory output the archive
    /// rules refuse, a full disk) fails the step instead, as <c>output_refused</c>.
    /// </summary>
    public async Task<Transition> FinishAsync(long jobId, long fence, IReadOnlyList<string> finalLines, FinishReport report, ArtifactRecord artifact, long firstLogSeq,
        IReadOnlyList<OutputProgress>? outputs, RecipeOutputTarget target)
    {
        Directory.CreateDirectory(StagingDir);
        var staged = StagedPath(jobId);
        File.Delete(staged);
        if (SecondNames.LinkOrCopy(artifact.Path, staged) is { } copied)
        {
            logger.OutputCopied(jobId, copied);
        }

        var (ready, refusal, _) = await PrepareAsync(jobId, staged, target, Path.GetFileName(artifact.Path)).ConfigureAwait(false);
        if (ready is null)
        {
            File.Delete(staged);
            File.Delete(PartMarker(jobId));
            logger.RecipeOutputRefused(jobId, target.Path, refusal!);
            return await ledger.FinishWithLogAsync(jobId, fence, finalLines,
                report with { Outcome = FinishOutcome.FatalFailure, ErrorCode = "output_refused", ErrorMessage = $"the output '{target.Path}' cannot be written: {refusal}" },
                null, firstLogSeq, outputs).ConfigureAwait(false);
        }

        var applied = await ledger.FinishWithLogAsync(jobId, fence, finalLines, report, artifact, firstLogSeq, outputs).ConfigureAwait(false);
        if (applied is { IsOk: true, State: JobState.Completed })
        {
            if (!Swap(jobId, ready))
            {
                return applied; // the staged output stays: the next start tries again (RecoverAsync)
            }
        }
        else
        {
            Abandon(ready.Part);
        }

        File.Delete(staged);
        File.Delete(PartMarker(jobId));
        return applied;
    }

    /// <summary>
    /// Finishes what a crash interrupted: a completed step's staged output is made ready again and goes into place; any
    /// other is removed, with what was made ready beside its target.
    /// </summary>
    public async Task RecoverAsync()
    {
        if (!Directory.Exists(StagingDir))
        {
            return;
        }

        foreach (var staged in Directory.EnumerateFiles(StagingDir, "job-*.out"))
        {
            var name = Path.GetFileNameWithoutExtension(staged);
            var job = long.TryParse(name.AsSpan("job-".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? await ledger.GetJobAsync(id).ConfigureAwait(false)
                : null;
            if (job is { JobState: JobState.Completed } && await TargetOfAsync(job).ConfigureAwait(false) is { Dataset: null } target
                && await ledger.GetArtifactAsync(job.Id).ConfigureAwait(false) is { } artifact)
            {
                var (ready, refusal, transient) = await PrepareAsync(job.Id, staged, target, Path.GetFileName(artifact.Path)).ConfigureAwait(false);
                if (ready is null)
                {
                    logger.RecipeOutputFailed(job.Id, target.Path, refusal!);
                    if (transient)
                    {
                        continue; // an I/O error: kept for the next start
                    }
                }
                else if (Swap(job.Id, ready))
                {
                    logger.RecipeOutputRecovered(job.Id, target.Path);
                }
                else
                {
                    continue;
                }
            }

            File.Delete(staged);
        }

        // What a crash left made ready for a step that did not complete (or was placed meanwhile): the marker names it.
        foreach (var marker in Directory.EnumerateFiles(StagingDir, "job-*.part"))
        {
            if (File.Exists(Path.ChangeExtension(marker, ".out")))
            {
                continue; // its output waits for the next start
            }

            var part = await File.ReadAllTextAsync(marker).ConfigureAwait(false);
            if (part.EndsWith($".{Path.GetFileNameWithoutExtension(marker)}.part", StringComparison.Ordinal))
            {
                Abandon(part);
            }

            File.Delete(marker);
        }
    }

    /// <summary>Where a swap moves the directory it replaces, until the new one is in: <c>TARGET.job-N.old</c>.</summary>
    private static string OldPath(string target, long jobId) => target + $".job-{jobId.ToString(CultureInfo.InvariantCulture)}.old";

    /// <summary>The replaced directory back at its target, when a swap stopped between its two renames (the target is free).</summary>
    private static void PutBack(string old, string target)
    {
        if (Directory.Exists(old) && !Path.Exists(target))
        {
            Directory.Move(old, target);
        }
    }

    private string StagedPath(long jobId) => Path.Combine(StagingDir, $"job-{jobId.ToString(CultureInfo.InvariantCulture)}.out");

    /// <summary>Beside the staged output: the full path of what was made ready beside the target, for a restart to remove.</summary>
    private string PartMarker(long jobId) => Path.Combine(StagingDir, $"job-{jobId.ToString(CultureInfo.InvariantCulture)}.part");

    /// <summary>
    /// Makes the staged output ready beside its target: a file as a second name <c>TARGET.job-N.part</c> (a copy when the
    /// data root is on another file system than DATA_DIR); a directory output unpacked there (the archive rules apply:
    /// nothing escapes, no links; at most what the disk holds). Null and the reason when it cannot land, and whether that
    /// was an I/O error (which may pass) rather than a refusal.
    /// </summary>
    private async Task<(Ready? Ready, string? Refusal, bool Transient)> PrepareAsync(long jobId, string staged, RecipeOutputTarget output, string artifactName)
    {
        // In a folder, a file takes the artifact's name, a directory the artifact's name without its ".zip".
        var path = !output.Path.EndsWith('/') ? output.Path
            : output.Directory ? output.Path + Path.GetFileNameWithoutExtension(artifactName) : output.Path + artifactName;
        var (target, violation) = new DataRootPaths(dataRoot).ResolveOutput(
            new OutputPath("$.outputs", path, Overwrite: true, [Path.GetExtension(path).ToLowerInvariant()]) { IsDirectory = output.Directory });
        if (target is null)
        {
            return (null, violation!.Reason, false);
        }

        var suffix = $".job-{jobId.ToString(CultureInfo.InvariantCulture)}";
        var part = target + suffix + ".part";
        try
        {
            await File.WriteAllTextAsync(PartMarker(jobId), part).ConfigureAwait(false);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            Abandon(part);
            if (!output.Directory)
            {
                SecondNames.LinkOrCopy(staged, part);
                return (new Ready(path, target, part, false, new FileInfo(part).Length), null, false);
            }

            var old = OldPath(target, jobId);
            PutBack(old, target); // a crash between the swap's two renames: the old one back first
            DirectoryArtifacts.DeleteTree(old);
            var extracted = await DirectoryArtifacts.UnpackAsync(staged, part, "", int.MaxValue, Path.GetDirectoryName(target)!).ConfigureAwait(false);
            if (extracted.Refusal is { } refusal)
            {
                Abandon(part);
                return (null, $"the directory output is not unpacked: {refusal} ({refusal.Rule})", false);
            }

            return (new Ready(path + "/", target, part, true, extracted.Files!.Sum(f => f.Size)), null, false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Abandon(part);
            return (null, e.Message, true);
        }
    }

    /// <summary>
    /// Renames the ready output over its target. A directory is swapped: the old directory (or file) is renamed to
    /// <c>TARGET.job-N.old</c>, the new one to the target, the old one deleted. A reader sees the whole old directory or
    /// the whole new one, never a mix; between the two renames the path is briefly absent. False when a rename failed: the
    /// old one is put back, and the staged output is kept for the next start.
    /// </summary>
    private bool Swap(long jobId, Ready ready)
    {
        var old = OldPath(ready.Target, jobId);
        try
        {
            if (!ready.Directory)
            {
                File.Move(ready.Part, ready.Target, overwrite: true);
            }
            else
            {
                if (new FileInfo(ready.Target).LinkTarget is not null)
                {
                    File.Delete(ready.Target); // a link put there by hand: only the link goes, never what it leads to
                }
                else if (Directory.Exists(ready.Target))
                {
                    Directory.Move(ready.Target, old);
                }
                else if (File.Exists(ready.Target))
                {
                    File.Delete(ready.Target);
                }

                Directory.Move(ready.Part, ready.Target);
                DirectoryArtifacts.DeleteTree(old);
            }

            logger.RecipeOutputPlaced(jobId, ready.Shown, ready.Bytes);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                PutBack(old, ready.Target);
                Abandon(ready.Part);
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                // Left for the next start, which puts an .old without its target back first.
            }

            logger.RecipeOutputFailed(jobId, ready.Shown, e.Message);
            return false;
        }
    }

    /// <summary>Removes a ready output that will not be placed, file or directory, if it is there.</summary>
    private static void Abandon(string part)
    {
        if (Directory.Exists(part) && new FileInfo(part).LinkTarget is null)
        {
            Directory.Delete(part, recursive: true);
        }
        else
        {
            File.Delete(part);
        }
    }
}
