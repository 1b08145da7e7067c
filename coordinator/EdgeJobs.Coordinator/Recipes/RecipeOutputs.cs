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

/// <summary>Where a step's artifact lands (a recipe job's <c>outputs</c>): a dataset entry, or a path in the data root.</summary>
public sealed record RecipeOutputTarget(string? Org, string? Dataset, string Path);

/// <summary>
/// Puts a step's artifact where its recipe job's <c>outputs</c> say, only when the step completes, atomically. On a
/// dataset it is a dataset output like any job's (Datasets/DatasetOutputs: indexed in the step's own transaction). In
/// the data root, the artifact gets a second name (a hard link, no copy) staged as <c>DATA_DIR/recipe-outputs/job-{id}.out</c>,
/// the ledger ends the step, and only a completed step's staged file is then copied beside its target and renamed over
/// it, so a reader sees the old file or the new one, never part of one. A crash after the commit is finished at the next
/// start (<see cref="RecoverAsync"/>). A path ending in '/' is a folder: the artifact goes in it under its own name.
/// </summary>
internal sealed class RecipeOutputs(JobLedger ledger, string dataDir, string dataRoot, ILogger logger)
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

        if (job.Dataset is not null)
        {
            return DatasetPaths.Check(path, out var entry) is null ? new RecipeOutputTarget(job.Org, job.Dataset, entry) : null;
        }

        return DataRootPaths.Check(path) is null ? new RecipeOutputTarget(null, null, path) : null;
    }

    /// <summary>Ends the step's attempt; when it completed, its artifact is at <paramref name="relativePath"/> in the data root.</summary>
    public async Task<Transition> FinishAsync(long jobId, long fence, IReadOnlyList<string> finalLines, FinishReport report, ArtifactRecord artifact, long firstLogSeq,
        IReadOnlyList<OutputProgress>? outputs, string relativePath)
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
            Place(jobId, staged, relativePath, Path.GetFileName(artifact.Path));
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
                Place(job.Id, staged, target.Path, Path.GetFileName(artifact.Path));
                logger.RecipeOutputRecovered(job.Id, target.Path);
            }
            else
            {
                File.Delete(staged);
            }
        }
    }

    private string StagedPath(long jobId) => Path.Combine(StagingDir, $"job-{jobId.ToString(CultureInfo.InvariantCulture)}.out");

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
