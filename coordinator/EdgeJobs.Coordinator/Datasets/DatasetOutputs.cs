using System.Globalization;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Artifacts;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Datasets;
using EdgeJobs.Protocol.Jobs;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator.Datasets;

/// <summary>
/// Puts the result of a job on a dataset at its output path (<c>output</c>, the seed's <c>outputPath</c>), so it is
/// there exactly when the job is completed: under the dataset's lock, the artifact gets a second name (a hard link:
/// no copy) staged as <c>datasets/.incoming/{org}/{ds}/job-{id}.out</c>; the ledger ends the job and indexes the
/// entry in one transaction (or fails the job when another writer got to the path first); then the staged name is
/// renamed into place, or removed. A crash between the commit and the rename is finished at the next start
/// (<see cref="RecoverAsync"/>): a staged file of a completed job goes into place, any other is removed.
/// A stopped or failed job never reaches the ledger's entry, so it leaves nothing in the dataset.
/// </summary>
internal sealed class DatasetOutputs(JobLedger ledger, DatasetStore store, ToolCatalog catalog, IRasterInspector? inspector, ILogger logger)
{
    /// <summary>Where a completed job on a dataset puts its artifact: its dataset and normalised output path; null for other jobs.</summary>
    public (string Org, string Dataset, string Path)? TargetOf(JobRow job)
    {
        if (job.Dataset is null || catalog.Find(job.Tool, job.ToolVersion)?.OutputPath(job.Params) is not { } output)
        {
            return null;
        }

        return DatasetPaths.Check(output.RelativePath, out var path) is null ? (job.Org, job.Dataset, path) : null;
    }

    /// <summary>
    /// Ends the attempt through <see cref="JobLedger.FinishIntoDatasetAsync"/> and moves the file into place when the
    /// entry was recorded. The artifact stays downloadable as the job's own until it expires.
    /// </summary>
    public async Task<Transition> FinishAsync(long jobId, long fence, IReadOnlyList<string> finalLines, FinishReport report, ArtifactRecord artifact, long firstLogSeq,
        IReadOnlyList<OutputProgress>? outputs, (string Org, string Dataset, string Path) target)
    {
        var (org, ds, path) = target;
        var raster = inspector?.Inspect(artifact.Path);
        using (await store.Locks.EnterAsync(org, ds).ConfigureAwait(false))
        {
            var staged = store.StagedOutputPath(org, ds, jobId);
            Directory.CreateDirectory(Path.GetDirectoryName(staged)!);
            File.Delete(staged);
            if (Artifacts.SecondNames.LinkOrCopy(artifact.Path, staged) is { } copied)
            {
                logger.OutputCopied(jobId, copied);
            }

            await StampStaleAsync(jobId, org, ds, path, staged).ConfigureAwait(false);
            var file = new FileInfo(staged);
            var entry = new DatasetEntryRow
            {
                Path = path,
                Type = EntryTypes.Of(path),
                Size = artifact.SizeBytes,
                Sha256 = artifact.Sha256,
                Mtime = new DateTimeOffset(file.LastWriteTimeUtc).ToUnixTimeMilliseconds(),
            }.WithRaster(raster);
            var (applied, placed) = await ledger.FinishIntoDatasetAsync(jobId, fence, finalLines, report, artifact, firstLogSeq, outputs, org, ds, entry).ConfigureAwait(false);
            if (placed)
            {
                store.PublishStaged(staged, org, ds, path);
                logger.OutputPlaced(jobId, org, ds, path, artifact.SizeBytes);
            }
            else
            {
                File.Delete(staged);
                if (applied is { IsOk: true, Job: { ErrorCode: { } code } failed })
                {
                    logger.OutputRefused(jobId, org, ds, path, code, failed.ErrorMessage ?? "");
                }
            }

            return applied;
        }
    }

    /// <summary>
    /// A directory output (a recipe step's exec tool zipped it) into the dataset at <c>target.Path</c>, as a folder of
    /// entries: unpacked under the dataset's lock into the extraction staging (the archive rules apply; a
    /// <see cref="ReplacesSuffix"/> file beside it names the folder), the index under the folder replaced with the job's end in one
    /// transaction, then the folder swapped on disk (the old one renamed aside, the new one in, the old one deleted). A
    /// crash after the commit is finished at the next start: the staged files go into place and the files of the old
    /// folder no row names are removed.
    /// </summary>
    public async Task<Transition> FinishDirectoryAsync(long jobId, long fence, IReadOnlyList<string> finalLines, FinishReport report, ArtifactRecord artifact,
        long firstLogSeq, IReadOnlyList<OutputProgress>? outputs, (string Org, string Dataset, string Path) target)
    {
        var (org, ds, folder) = target;
        using (await store.Locks.EnterAsync(org, ds).ConfigureAwait(false))
        {
            var staging = store.StagingPath(org, ds, jobId);
            var marker = staging + ReplacesSuffix;
            DirectoryArtifacts.DeleteTree(staging);
            // A refused output fails the step, with nothing of it kept.
            async Task<Transition> RefuseAsync(string code, string message)
            {
                logger.OutputRefused(jobId, org, ds, folder, code, message);
                return await ledger.FinishWithLogAsync(jobId, fence, finalLines, report with { Outcome = FinishOutcome.FatalFailure, ErrorCode = code, ErrorMessage = message },
                    null, firstLogSeq, outputs).ConfigureAwait(false);
            }

            if (store.FolderObstacle(org, ds, folder) is { } obstacle)
            {
                return await RefuseAsync("output_conflict", $"the directory output cannot go into '{folder}/': {obstacle}").ConfigureAwait(false);
            }

            // Free space on the datasets' root, not the dataset's own folder: that one is gone when the dataset was deleted
            // meanwhile (which the ledger then refuses as dataset_not_found).
            var extracted = await DirectoryArtifacts.UnpackAsync(artifact.Path, staging, folder + "/", DatasetExtraction.MaxEntries, store.Root).ConfigureAwait(false);
            if (extracted.Refusal is { } refusal)
            {
                DirectoryArtifacts.DeleteTree(staging);
                return await RefuseAsync("output_refused", $"the directory output was not unpacked into '{folder}/': {refusal} ({refusal.Rule})").ConfigureAwait(false);
            }

            // Beside the staging, not in it: an output may hold any name. An empty output still makes its (empty) folder.
            await File.WriteAllTextAsync(marker, folder).ConfigureAwait(false);
            Directory.CreateDirectory(Path.Combine(staging, folder));
            var rows = DatasetExtraction.RowsOf(staging, extracted.Files!, inspector);
            var (applied, placed) = await ledger.FinishIntoDatasetFolderAsync(jobId, fence, finalLines, report, artifact, firstLogSeq, outputs, org, ds, folder, rows).ConfigureAwait(false);
            if (!placed)
            {
                DirectoryArtifacts.DeleteTree(staging);
                File.Delete(marker);
                if (applied is { IsOk: true, Job: { ErrorCode: { } code } failed })
                {
                    logger.OutputRefused(jobId, org, ds, folder, code, failed.ErrorMessage ?? "");
                }

                return applied;
            }

            var live = store.FilePath(org, ds, folder);
            var old = staging + ".old";
            if (Directory.Exists(live))
            {
                Directory.Move(live, old);
            }
            else if (File.Exists(live))
            {
                File.Delete(live);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(live)!);
            Directory.Move(Path.Combine(staging, folder), live);
            DirectoryArtifacts.DeleteTree(old);
            DirectoryArtifacts.DeleteTree(staging);
            File.Delete(marker);
            logger.OutputPlaced(jobId, org, ds, folder + "/", rows.Sum(r => r.Size));
            return applied;
        }
    }

    /// <summary>Beside a directory output's staging (<c>job-N.extract.replaces</c>): the folder of the dataset it replaces.</summary>
    private const string ReplacesSuffix = ".replaces";

    /// <summary>
    /// A derivative (<c>.build/…</c>) whose source changed after its attempt started was built from the bytes before the
    /// change, or from some of both: its file is dated just before the source's, so the index shows it older and the
    /// next build of the dataset makes it again (a build compares the two dates).
    /// </summary>
    private async Task StampStaleAsync(long jobId, string org, string ds, string path, string staged)
    {
        if (DatasetBuilds.SourceOf(path) is not { } source
            || await ledger.GetEntryAsync(org, ds, source).ConfigureAwait(false) is not { } changed
            || await ledger.GetJobAsync(jobId).ConfigureAwait(false) is not { AttemptStartedAt: { } started }
            || changed.Mtime < started)
        {
            return;
        }

        File.SetLastWriteTimeUtc(staged, DateTimeOffset.FromUnixTimeMilliseconds(changed.Mtime - 1).UtcDateTime);
        logger.OutputStale(jobId, org, ds, path, source);
    }

    /// <summary>
    /// Finishes what a crash interrupted: each staged output of a completed job is renamed into place (its entry was
    /// committed with the job), any other is removed (the job did not complete, so its entry was never recorded).
    /// </summary>
    public async Task RecoverAsync()
    {
        foreach (var staged in store.StagedOutputs())
        {
            var name = Path.GetFileNameWithoutExtension(staged.File);
            var job = long.TryParse(name.AsSpan("job-".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? await ledger.GetJobAsync(id).ConfigureAwait(false)
                : null;
            if (job is { JobState: JobState.Completed } && TargetOf(job) is { } target && target.Org == staged.Org && target.Dataset == staged.Dataset
                && await ledger.GetEntryAsync(target.Org, target.Dataset, target.Path).ConfigureAwait(false) is not null)
            {
                store.PublishStaged(staged.File, target.Org, target.Dataset, target.Path);
                logger.OutputRecovered(job.Id, target.Org, target.Dataset, target.Path);
            }
            else
            {
                File.Delete(staged.File);
            }
        }

        // An extraction's files whose rows were committed: each goes into place if its row names its bytes. A directory
        // output's staging names the folder it replaces: when its rows were committed, the old folder's files that no row
        // names go (they were replaced), and the old folder renamed aside (.old) goes whole.
        foreach (var (org, dataset, dir) in store.StagingFolders())
        {
            var marker = dir + ReplacesSuffix;
            if (File.Exists(marker) && await CommittedAsync(dir).ConfigureAwait(false))
            {
                // The marker goes only once this is done: a crash in the middle does it again.
                await RemoveUnindexedAsync(org, dataset, await File.ReadAllTextAsync(marker).ConfigureAwait(false)).ConfigureAwait(false);
            }

            DirectoryArtifacts.DeleteTree(dir + ".old");
            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            {
                var path = Path.GetRelativePath(dir, file).Replace(Path.DirectorySeparatorChar, '/');
                if (await ledger.GetEntryAsync(org, dataset, path).ConfigureAwait(false) is { } row && row.Size == new FileInfo(file).Length
                    && row.Sha256 == await Sha256Async(file).ConfigureAwait(false))
                {
                    store.PublishStaged(file, org, dataset, path);
                }
            }

            Directory.Delete(dir, recursive: true);
            File.Delete(dir + ReplacesSuffix);
            logger.StagingRecovered(dir);
        }

        // What a directory output's last steps may leave once its staging is gone: the marker, the old folder.
        foreach (var (_, _, leftover) in store.StagingLeftovers())
        {
            if (Directory.Exists(leftover))
            {
                DirectoryArtifacts.DeleteTree(leftover);
            }
            else
            {
                File.Delete(leftover);
            }
        }
    }

    /// <summary>
    /// Whether a directory output's folder was committed: its job (<c>job-N.extract</c>) completed, which it does only in
    /// the transaction that replaced the folder's entries (a refused output fails the job).
    /// </summary>
    private async Task<bool> CommittedAsync(string dir)
    {
        var name = Path.GetFileNameWithoutExtension(dir);
        return long.TryParse(name.AsSpan("job-".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && await ledger.GetJobAsync(id).ConfigureAwait(false) is { JobState: JobState.Completed };
    }

    /// <summary>Deletes the files under a dataset's folder that the index does not name (never through a link).</summary>
    private async Task RemoveUnindexedAsync(string org, string dataset, string folder)
    {
        var live = store.FilePath(org, dataset, folder);
        if (store.LinkOnPath(org, dataset, folder) is not null || !Directory.Exists(live))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(live, "*", SearchOption.AllDirectories).ToList())
        {
            var path = folder + "/" + Path.GetRelativePath(live, file).Replace(Path.DirectorySeparatorChar, '/');
            if (await ledger.GetEntryAsync(org, dataset, path).ConfigureAwait(false) is null)
            {
                File.Delete(file);
            }
        }
    }

    private static async Task<string> Sha256Async(string file)
    {
        await using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(stream).ConfigureAwait(false));
    }
}
