using EdgeJobs.Archives;
using EdgeJobs.Archives.Extraction;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Datasets;

namespace EdgeJobs.Coordinator.Datasets;

/// <summary>What an extraction did: files added to the dataset and their bytes.</summary>
public sealed record ExtractionSummary(int Files, long Bytes, bool ArchiveDeleted);

/// <summary>
/// <c>archive-extract</c>'s work, where the dataset is. The archive is inspected against the dataset's limits and
/// refused whole before anything is written (<see cref="ArchiveInspector"/>); its files are extracted into a staging
/// folder beside the dataset (same file system), hashed as written; then, under the dataset's lock, the index rows
/// are committed — fenced by the job's lease and checked against the quota, all or none — and only then are the files
/// renamed into place. A crash between the two is finished at the next start (<see cref="DatasetOutputs.RecoverAsync"/>:
/// a staged file whose committed row names its SHA-256 goes into place). A stop or failure before the commit leaves
/// nothing in the dataset.
/// </summary>
internal sealed class DatasetExtraction(JobLedger ledger, DatasetStore store, IRasterInspector? inspector)
{
    /// <summary>Entries one archive may hold, folders included.</summary>
    public const int MaxEntries = 100_000;

    /// <summary>Expanded over compressed bytes, per entry and for the archive: text compresses ~10:1, bombs 1000:1 and more.</summary>
    public const double MaxRatio = 200;

    /// <summary>Disk left free after an extraction, whatever the quota allows.</summary>
    private const long DiskReserve = 1L << 30;

    public async Task<ExtractionSummary> ExtractAsync(long jobId, long fence, string org, string dataset, string sourcePath, string destPath, bool overwrite,
        bool deleteArchive, Action<double, string> progress, Action<string> log, CancellationToken cancellation)
    {
        if (DatasetPaths.Check(sourcePath, out var source) is { } bad)
        {
            throw new DatasetToolException("bad_input", $"source_path {bad}");
        }

        var owner = await ledger.GetDatasetAsync(org, dataset).ConfigureAwait(false) ?? throw new DatasetToolException("dataset_not_found", $"dataset '{org}/{dataset}' is gone");
        if (await ledger.GetEntryAsync(org, dataset, source).ConfigureAwait(false) is null)
        {
            throw new DatasetToolException("bad_input", $"'{source}' is not an entry of dataset '{org}/{dataset}'");
        }

        progress(0, "inspecting");
        var limits = new ArchiveLimits(MaxEntries, ExpansionAllowed(owner, org, dataset), MaxRatio);
        var archive = store.FilePath(org, dataset, source);
        var inspected = await ArchiveInspector.InspectAsync(archive, destPath, limits, cancellation).ConfigureAwait(false);
        if (inspected.Refusal is { } refusal)
        {
            throw new DatasetToolException("archive_refused", $"{source} is not extracted, nothing was written: {refusal} ({refusal.Rule})");
        }

        var plan = inspected.Plan!;
        log($"{source}: {plan.Files.Count} files, {plan.TotalBytes} bytes, into '{plan.DestinationPrefix}'");
        var staging = store.StagingPath(org, dataset, jobId);
        DeleteStaging(staging);
        Directory.CreateDirectory(staging);
        try
        {
            var extracted = await ArchiveExtractor.ExtractAsync(plan, staging, new ExtractionOptions
            {
                Overwrite = overwrite,
                ExistsAtDestination = path => File.Exists(store.FilePath(org, dataset, path)),
                Progress = (done, total) => progress(90.0 * done / Math.Max(1, total), "extracting"),
            }, cancellation).ConfigureAwait(false);
            if (extracted.Refusal is { } conflict)
            {
                throw new DatasetToolException(conflict.Rule == ArchiveRule.Conflict ? "entry_exists" : "archive_refused",
                    $"{source} is not extracted, nothing was written: {conflict}{(conflict.Rule == ArchiveRule.Conflict ? " (set overwrite: true to replace)" : "")}");
            }

            progress(90, "indexing");
            var rows = RowsOf(staging, extracted.Files!, inspector);
            using (await store.Locks.EnterAsync(org, dataset, cancellation).ConfigureAwait(false))
            {
                foreach (var row in rows)
                {
                    if (store.Obstacle(org, dataset, row.Path) is { } obstacle)
                    {
                        throw new DatasetToolException("path_conflict", $"{source} is not extracted, nothing was written: {obstacle}");
                    }
                }

                var result = await ledger.AddEntriesAsync(jobId, fence, org, dataset, rows).ConfigureAwait(false);
                switch (result)
                {
                    case MaintenanceResult.LeaseLost:
                        throw new OperationCanceledException("the job's lease was lost before its files were committed; nothing was written");
                    case MaintenanceResult.QuotaExceeded:
                        throw new DatasetToolException("dataset_quota_exceeded", $"the {plan.TotalBytes} bytes of {source} would take dataset '{org}/{dataset}' past its quota; nothing was written");
                    case MaintenanceResult.DatasetNotFound:
                        throw new DatasetToolException("dataset_not_found", $"dataset '{org}/{dataset}' is gone");
                }

                foreach (var row in rows)
                {
                    store.PublishStaged(Path.Combine(staging, row.Path), org, dataset, row.Path);
                }

                if (deleteArchive && await ledger.DeleteEntryAsync(org, dataset, source).ConfigureAwait(false) is not null)
                {
                    store.DeleteFile(org, dataset, source);
                }
            }

            progress(100, "done");
            return new ExtractionSummary(rows.Count, plan.TotalBytes, deleteArchive);
        }
        finally
        {
            DeleteStaging(staging);
        }
    }

    /// <summary>The bytes the archive may expand to: what the quota leaves (counting nothing replaced), and what the disk has.</summary>
    private long ExpansionAllowed(DatasetRow owner, string org, string dataset)
    {
        var quota = owner.ByteQuota is { } q ? Math.Max(0, q - owner.BytesUsed) : long.MaxValue;
        var disk = Math.Max(0, new DriveInfo(store.DatasetDir(org, dataset)).AvailableFreeSpace - DiskReserve);
        return Math.Min(quota, disk);
    }

    private static void DeleteStaging(string staging)
    {
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>The index rows of files extracted into <paramref name="staging"/> (rasters with what <c>info</c> reports of them).</summary>
    public static List<DatasetEntryRow> RowsOf(string staging, IReadOnlyList<StagedFile> files, IRasterInspector? inspector) =>
        files.Select(f => new DatasetEntryRow
        {
            Path = f.Path,
            Type = EntryTypes.Of(f.Path),
            Size = f.Size,
            Sha256 = f.Sha256,
            Mtime = new DateTimeOffset(File.GetLastWriteTimeUtc(Path.Combine(staging, f.Path))).ToUnixTimeMilliseconds(),
        }.WithRaster(inspector?.Inspect(Path.Combine(staging, f.Path)))).ToList();
}
