using Dapper;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>Why a job's output could not go into its dataset; the job fails with <see cref="Code"/>.</summary>
public sealed record OutputRefusal(string Code, string Message);

// A job on a dataset ends by putting its artifact at its output path: the job's end, its artifact and the entry's
// index row change in one transaction, so the index shows the output exactly when the job shows completed.
public sealed partial class JobLedger
{
    /// <summary>
    /// Ends an attempt whose verified <paramref name="artifact"/> becomes <paramref name="entry"/> in the dataset,
    /// in one transaction — unless the entry was written by anyone else since the job was submitted (two jobs
    /// writing one path: the first to finish wins, the other fails <c>output_conflict</c>), or it would take the
    /// dataset past its quota (<c>dataset_quota_exceeded</c>); then the attempt ends failed, not retried, with no
    /// artifact. <c>Placed</c> is true when the entry was recorded (the caller then moves the file into place).
    /// </summary>
    public Task<(Transition Result, bool Placed)> FinishIntoDatasetAsync(long jobId, long fence, IReadOnlyList<string> finalLines, FinishReport report, ArtifactRecord artifact,
        long firstLogSeq, IReadOnlyList<OutputProgress>? outputs, string org, string dataset, DatasetEntryRow entry) => WriteAsync(c =>
    {
        var job = ReadJob(c, jobId);
        var refusal = job is null || job.Fence != fence ? null : OutputRefusalOf(c, job, org, dataset, entry);
        if (refusal is not null)
        {
            return (FinishWithLog(c, jobId, fence, finalLines, report with { Outcome = FinishOutcome.FatalFailure, ErrorCode = refusal.Code, ErrorMessage = refusal.Message }, null, firstLogSeq, outputs), false);
        }

        var finished = FinishWithLog(c, jobId, fence, finalLines, report, artifact, firstLogSeq, outputs);
        if (!finished.IsOk || finished.State != JobState.Completed)
        {
            return (finished, false);
        }

        return (finished, PutEntry(c, org, dataset, entry) == EntryWriteResult.Written);
    });

    private static OutputRefusal? OutputRefusalOf(Microsoft.Data.Sqlite.SqliteConnection c, JobRow job, string org, string dataset, DatasetEntryRow entry)
    {
        var owner = FindDataset(c, org, dataset);
        if (owner is null)
        {
            return new OutputRefusal("dataset_not_found", $"dataset '{org}/{dataset}' is gone; the output was not kept");
        }

        // One read of the entry the output replaces: when it was written, and its size for the quota.
        var previous = c.QuerySingleOrDefault<EntryStamp>(
            "SELECT indexed_at, size FROM dataset_entries WHERE org = @Org AND dataset = @Dataset AND path = @Path",
            new { Org = org, Dataset = dataset, entry.Path });
        if (previous is not null && previous.IndexedAt >= job.CreatedAt)
        {
            return new OutputRefusal("output_conflict", $"'{entry.Path}' in dataset '{org}/{dataset}' was written by someone else while this job ran; the output was not kept");
        }

        var previousSize = previous?.Size ?? 0;
        var delta = entry.Size - previousSize;
        return delta > 0 && owner.ByteQuota is { } quota && owner.BytesUsed + delta > quota
            ? new OutputRefusal("dataset_quota_exceeded", $"dataset '{org}/{dataset}' may hold {quota} bytes and holds {owner.BytesUsed}; the output ({entry.Size} bytes) would pass that, so it was not kept")
            : null;
    }

    /// <summary>
    /// A directory output into a dataset (a recipe step's, unpacked): ends the attempt and, when it completed, makes the
    /// index under <paramref name="folder"/> exactly <paramref name="entries"/> in the same transaction (the entries there
    /// before, and a file at the folder's own path, go). Refused, failing the job, as one file's output is: the dataset
    /// gone, an entry there written by someone else while the job ran, or the quota.
    /// </summary>
    public Task<(Transition Result, bool Placed)> FinishIntoDatasetFolderAsync(long jobId, long fence, IReadOnlyList<string> finalLines, FinishReport report,
        ArtifactRecord artifact, long firstLogSeq, IReadOnlyList<OutputProgress>? outputs, string org, string dataset, string folder,
        IReadOnlyList<DatasetEntryRow> entries) => WriteAsync(c =>
    {
        var job = ReadJob(c, jobId);
        // Paths under "folder/" sort between "folder/" and "folder0" ('0' follows '/').
        var before = c.Query<FolderEntryStamp>("""
            SELECT path, size, indexed_at FROM dataset_entries
            WHERE org = @Org AND dataset = @Dataset AND (path = @Folder OR (path >= @From AND path < @To))
            """, new { Org = org, Dataset = dataset, Folder = folder, From = folder + "/", To = folder + "0" }).ToRowList();
        var refusal = job is null || job.Fence != fence ? null : FolderRefusalOf(c, job, org, dataset, folder, before, entries);
        if (refusal is not null)
        {
            return (FinishWithLog(c, jobId, fence, finalLines, report with { Outcome = FinishOutcome.FatalFailure, ErrorCode = refusal.Code, ErrorMessage = refusal.Message }, null, firstLogSeq, outputs), false);
        }

        var finished = FinishWithLog(c, jobId, fence, finalLines, report, artifact, firstLogSeq, outputs);
        if (!finished.IsOk || finished.State != JobState.Completed)
        {
            return (finished, false);
        }

        foreach (var gone in before)
        {
            c.Execute("DELETE FROM dataset_entries WHERE org = @Org AND dataset = @Dataset AND path = @Path", new { Org = org, Dataset = dataset, gone.Path });
            Account(c, org, dataset, -gone.Size, -1);
        }

        foreach (var entry in entries)
        {
            UpsertEntry(c, org, dataset, entry);
            Account(c, org, dataset, entry.Size, 1);
        }

        return (finished, true);
    });

    private static OutputRefusal? FolderRefusalOf(Microsoft.Data.Sqlite.SqliteConnection c, JobRow job, string org, string dataset, string folder,
        IReadOnlyList<FolderEntryStamp> before, IReadOnlyList<DatasetEntryRow> entries)
    {
        var owner = FindDataset(c, org, dataset);
        if (owner is null)
        {
            return new OutputRefusal("dataset_not_found", $"dataset '{org}/{dataset}' is gone; the output was not kept");
        }

        if (before.FirstOrDefault(e => e.IndexedAt >= job.CreatedAt) is { } other)
        {
            return new OutputRefusal("output_conflict", $"'{other.Path}' in dataset '{org}/{dataset}' was written by someone else while this job ran; the output '{folder}/' was not kept");
        }

        var delta = entries.Sum(e => e.Size) - before.Sum(e => e.Size);
        return delta > 0 && owner.ByteQuota is { } quota && owner.BytesUsed + delta > quota
            ? new OutputRefusal("dataset_quota_exceeded", $"dataset '{org}/{dataset}' may hold {quota} bytes and holds {owner.BytesUsed}; the output '{folder}/' would pass that, so it was not kept")
            : null;
    }

    /// <summary>An entry under a folder an output replaces: its path, size, and when it was indexed.</summary>
    internal sealed class FolderEntryStamp
    {
        public string Path { get; set; } = "";
        public long Size { get; set; }
        public long IndexedAt { get; set; }
    }

    /// <summary>When an entry was indexed, and its size.</summary>
    internal sealed class EntryStamp
    {
        public long IndexedAt { get; set; }
        public long Size { get; set; }
    }
}
