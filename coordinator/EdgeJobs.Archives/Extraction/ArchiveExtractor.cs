namespace EdgeJobs.Archives.Extraction;

/// <summary>
/// Extracts what an <see cref="ArchivePlan"/> lists into a staging directory, streamed through one pooled
/// buffer, hashing each file as it is written. The plan is the contract: an entry that is not where the plan
/// put it, or yields a byte more or less than its declared size, stops the extraction. Any refusal, error or
/// cancellation removes what was staged; moving the staged files into the dataset is the caller's.
/// <code>
///   conflicts? ──yes──► Conflict (nothing written)
///      │no
///   archive replaced since inspection? ──yes──► Changed (nothing written)
///      │no
///   for each planned file: create ─► copy + SHA-256, block by block ─► size == declared?
///      │ refusal / exception / cancel at any point ──► roll back what was created ──► refusal / rethrow
///      ▼
///   Files (path, size, sha256)
/// </code>
/// </summary>
public static partial class ArchiveExtractor
{
    /// <summary>One block: the unit of copying, hashing, progress and cancellation.</summary>
    public const int BufferSize = 128 * 1024;

    public static async Task<ExtractionResult> ExtractAsync(
        ArchivePlan plan, string stagingDirectory, ExtractionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        var conflict = FindConflict(plan, options);
        if (conflict is not null)
        {
            return conflict;
        }

        await using var file = ArchiveInspector.OpenRead(plan.ArchivePath);
        if (file.Length != plan.ArchiveLength || File.GetLastWriteTimeUtc(plan.ArchivePath) != plan.ArchiveWriteTimeUtc)
        {
            return new ArchiveRefusal(ArchiveRule.Changed, null, "the archive changed after it was inspected");
        }

        var staging = new StagingArea(stagingDirectory);
        var copier = new EntryCopier(staging, plan.TotalBytes, options.Progress);
        try
        {
            var refusal = plan.Format switch
            {
                ArchiveFormat.Zip => await ExtractZipAsync(file, plan, copier, cancellationToken).ConfigureAwait(false),
                ArchiveFormat.Tar or ArchiveFormat.TarGzip => await ExtractTarAsync(file, plan, copier, cancellationToken).ConfigureAwait(false),
                _ => await ExtractGzipAsync(file, plan, copier, cancellationToken).ConfigureAwait(false),
            };
            if (refusal is not null)
            {
                staging.Rollback();
                return refusal;
            }

            return staging.Files;
        }
        catch (Exception e) when (ArchiveInspector.IsCorruptData(e))
        {
            staging.Rollback();
            return new ArchiveRefusal(ArchiveRule.Corrupt, copier.Current?.Name, $"could not be read: {e.Message}");
        }
        catch
        {
            staging.Rollback();
            throw;
        }
        finally
        {
            copier.Dispose();
        }
    }

    private static ArchiveRefusal? FindConflict(ArchivePlan plan, ExtractionOptions options)
    {
        if (options.ExistsAtDestination is not { } exists)
        {
            return null;
        }

        var foldersChecked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in plan.Files)
        {
            if (!options.Overwrite && exists(entry.Path))
            {
                return new ArchiveRefusal(ArchiveRule.Conflict, entry.Name, $"would overwrite '{entry.Path}', which exists");
            }

            for (var slash = entry.Path.LastIndexOf('/'); slash >= plan.DestinationPrefix.Length; slash = entry.Path.LastIndexOf('/', slash - 1))
            {
                var folder = entry.Path[..slash];
                if (!foldersChecked.Add(folder))
                {
                    break;
                }

                if (exists(folder))
                {
                    return new ArchiveRefusal(ArchiveRule.Conflict, entry.Name, $"needs a folder '{folder}' where a file exists");
                }
            }
        }

        return null;
    }
}
