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
/// the data root, the artifact gets a second name (a hard link, no copy) staged as <c>DATA_DIR/recipe-outputs/job-{id}.out</c>,
/// the ledger ends the step, and only a completed step's staged file is then copied beside its target and renamed over
/// it, so a reader sees the old file or the new one, never part of one. A crash after the commit is finished at the next
/// start (<see cref="RecoverAsync"/>). A path ending in '/' is a folder: the artifact goes in it under its own name.
/// A directory output is unpacked beside its target and swapped in by renames (<see cref="PlaceDirectoryAsync"/>).
/// </summary>
internal sealed class RecipeOutputs(JobLedger ledger, ToolCatalog catalog, string dataDir, string dataRoot, ILogger logger)
{

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

    /// <summary>Ends the step's attempt; when it completed, its artifact is at <paramref name="target"/> in the data root.</summary>
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

        var applied = await ledger.FinishWithLogAsync(jobId, fence, finalLines, report, artifact, firstLogSeq, outputs).ConfigureAwait(false);
        if (applied is { IsOk: true, State: JobState.Completed })
        {
            await PlaceAsync(jobId, staged, target, Path.GetFileName(artifact.Path)).ConfigureAwait(false);
        }
        else
        {
            File.Delete(staged);
        }

        return applied;
    }

    /// <summary>Finishes what a crash interrupted: a completed step's staged output goes into place, any other is removed.</summary>
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
                await PlaceAsync(job.Id, staged, target, Path.GetFileName(artifact.Path)).ConfigureAwait(false);
                logger.RecipeOutputRecovered(job.Id, target.Path);
            }
            else
            {
                File.Delete(staged);
            }
        }
    }

    private string StagedPath(long jobId) => Path.Combine(StagingDir, $"job-{jobId.ToString(CultureInfo.InvariantCulture)}.out");

    private Task PlaceAsync(long jobId, string staged, RecipeOutputTarget target, string artifactName)
    {
        if (!target.Directory)
        {
            Place(jobId, staged, target.Path, artifactName);
            return Task.CompletedTask;
        }

        // In a folder, the directory takes the artifact's name without its ".zip".
        var path = target.Path.EndsWith('/') ? target.Path + Path.GetFileNameWithoutExtension(artifactName) : target.Path.TrimEnd('/');
        return PlaceDirectoryAsync(jobId, staged, path);
    }

    /// <summary>
    /// Unpacks the staged ZIP (the archive rules apply: nothing escapes, no links; at most what the disk holds) into
    /// <c>TARGET.job-N.part</c> beside the target, then swaps it in: the old directory (or file) is renamed to
    /// <c>TARGET.job-N.old</c>, the new one to the target, the old one deleted. A reader sees the whole old directory or the
    /// whole new one, never a mix; between the two renames the path is briefly absent. A crash anywhere is finished by
    /// the next start, which begins here again (an <c>.old</c> left without a target goes back first).
    /// </summary>
    private async Task PlaceDirectoryAsync(long jobId, string staged, string path)
    {
        var (target, violation) = new DataRootPaths(dataRoot).ResolveOutput(
            new OutputPath("$.outputs", path, Overwrite: true, [Path.GetExtension(path).ToLowerInvariant()]) { IsDirectory = true });
        if (target is null)
        {
            logger.RecipeOutputFailed(jobId, path, violation!.Reason);
            File.Delete(staged);
            return;
        }

        var suffix = $".job-{jobId.ToString(CultureInfo.InvariantCulture)}";
        var part = target + suffix + ".part";
        var old = target + suffix + ".old";
        try
        {
            if (Directory.Exists(old) && !Path.Exists(target))
            {
                Directory.Move(old, target); // a crash between the two renames: the old one back first
            }

            DirectoryArtifacts.DeleteTree(part);
            DirectoryArtifacts.DeleteTree(old);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var extracted = await DirectoryArtifacts.UnpackAsync(staged, part, "", int.MaxValue, Path.GetDirectoryName(target)!).ConfigureAwait(false);
            if (extracted.Refusal is { } refusal)
            {
                DirectoryArtifacts.DeleteTree(part);
                logger.RecipeOutputFailed(jobId, path, $"the directory output is not unpacked: {refusal} ({refusal.Rule})");
                File.Delete(staged);
                return;
            }

            if (new FileInfo(target).LinkTarget is not null)
            {
                File.Delete(target); // a link put there by hand: only the link goes, never what it leads to
            }
            else if (Directory.Exists(target))
            {
                Directory.Move(target, old);
            }
            else if (File.Exists(target))
            {
                File.Delete(target);
            }

            Directory.Move(part, target);
            DirectoryArtifacts.DeleteTree(old);
            File.Delete(staged);
            logger.RecipeOutputPlaced(jobId, path + "/", extracted.Files!.Sum(f => f.Size));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.RecipeOutputFailed(jobId, path, e.Message);
        }
    }

    /// <summary>Copies the staged file beside its target and renames it over the target; the staged name goes.</summary>
    private void Place(long jobId, string staged, string relativePath, string artifactName)
    {
        var path = relativePath.EndsWith('/') ? relativePath + artifactName : relativePath;
        var (target, violation) = new DataRootPaths(dataRoot).ResolveOutput(new OutputPath("$.outputs", path, Overwrite: true, [Path.GetExtension(path).ToLowerInvariant()]));
        if (target is null)
        {
            logger.RecipeOutputFailed(jobId, path, violation!.Reason);
            File.Delete(staged);
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var part = $"{target}.job-{jobId.ToString(CultureInfo.InvariantCulture)}.part";
            File.Delete(part);
            SecondNames.LinkOrCopy(staged, part); // a copy when the data root is on another file system than DATA_DIR

            File.Move(part, target, overwrite: true);
            File.Delete(staged);
            logger.RecipeOutputPlaced(jobId, path, new FileInfo(target).Length);
        }
        catch (IOException e)
        {
            logger.RecipeOutputFailed(jobId, path, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            logger.RecipeOutputFailed(jobId, path, e.Message);
        }
    }
}
