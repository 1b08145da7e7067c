using System.IO.Compression;

namespace EdgeJobs.Archives.Extraction;

public static partial class ArchiveExtractor
{
    private static async Task<ArchiveRefusal?> ExtractZipAsync(FileStream file, ArchivePlan plan, EntryCopier copier, CancellationToken cancellationToken)
    {
        using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        var entries = zip.Entries;
        if (entries.Count != plan.EntriesRead)
        {
            return Changed(null);
        }

        foreach (var planned in plan.Files)
        {
            var entry = entries[planned.Ordinal];
            if (entry.FullName != planned.Name || entry.Length != planned.Size)
            {
                return Changed(planned.Name);
            }

            copier.Current = planned;
            await using var data = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
            var refusal = await copier.CopyAsync(planned, data, entry.Crc32, cancellationToken).ConfigureAwait(false);
            if (refusal is not null)
            {
                return refusal;
            }
        }

        return null;
    }

    private static async Task<ArchiveRefusal?> ExtractTarAsync(FileStream file, ArchivePlan plan, EntryCopier copier, CancellationToken cancellationToken)
    {
        await using var reader = ArchiveInspector.OpenTar(file, plan.Format);
        var next = 0;
        for (var ordinal = 0; next < plan.Files.Count; ordinal++)
        {
            var entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
            if (entry is null)
            {
                return Changed(plan.Files[next].Name);
            }

            // Ordinals number every record the reader returns, global pax records included, in both passes.
            var planned = plan.Files[next];
            if (ordinal != planned.Ordinal)
            {
                continue;
            }

            if (entry.Name != planned.Name || entry.Length != planned.Size)
            {
                return Changed(planned.Name);
            }

            var refusal = await copier.CopyAsync(planned, entry.DataStream, expectedCrc32: null, cancellationToken).ConfigureAwait(false);
            if (refusal is not null)
            {
                return refusal;
            }

            next++;
        }

        return null;
    }

    private static async Task<ArchiveRefusal?> ExtractGzipAsync(FileStream file, ArchivePlan plan, EntryCopier copier, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
        return await copier.CopyAsync(plan.Files[0], gzip, expectedCrc32: null, cancellationToken).ConfigureAwait(false);
    }

    private static ArchiveRefusal Changed(string? entry) => new(ArchiveRule.Changed, entry, "is not what the archive held when it was inspected");
}
