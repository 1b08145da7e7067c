using System.Buffers;
using System.IO.Compression;

namespace EdgeJobs.Archives.Extraction;

public static partial class ArchiveInspector
{
    /// <summary>
    /// A gzip file has no directory and its trailer holds the size modulo 4 GB, so the only size to trust is
    /// the one counted by decompressing; the count stops at the first byte past a limit.
    /// </summary>
    private static async Task<ArchiveRefusal?> InspectGzipAsync(
        FileStream file, string archivePath, PlanBuilder builder, ArchiveLimits limits, CancellationToken cancellationToken)
    {
        var name = GzipEntryName(archivePath);
        var refusal = builder.Count(name);
        if (refusal is not null)
        {
            return refusal;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(ArchiveExtractor.BufferSize);
        try
        {
            await using var gzip = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
            long size = 0;
            int read;
            while ((read = await gzip.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                size += read;
                if (size > limits.MaxExpandedBytes)
                {
                    return new ArchiveRefusal(ArchiveRule.TooLarge, name, $"expands past the limit of {limits.MaxExpandedBytes} bytes");
                }

                if (limits.ExceedsRatio(size, file.Length))
                {
                    return new ArchiveRefusal(ArchiveRule.RatioTooHigh, name, $"expands past {limits.MaxRatio} times the archive's size");
                }
            }

            return builder.AddFile(name, size, ordinal: 0);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>"dem.tif.gz" extracts to "dem.tif", in the folder of the caller's destination.</summary>
    internal static string GzipEntryName(string archivePath)
    {
        var fileName = Path.GetFileName(archivePath);
        return fileName[..^3];
    }
}
