using EdgeJobs.Protocol.Datasets;

namespace EdgeJobs.Archives.Extraction;

/// <summary>
/// Reads an archive's directory and decides, before anything is written, whether it may be extracted: every
/// entry name against the dataset path rules, links, devices, duplicates, and the caller's
/// <see cref="ArchiveLimits"/>. ZIP: the end records, then the central directory (no entry data is read).
/// Tar and tar.gz: one streaming pass over the headers (the data is skipped, which for tar.gz means
/// decompressed and dropped, never past the size limit). Gzip: one decompressing pass that counts bytes.
/// </summary>
public static partial class ArchiveInspector
{
    /// <summary>Inspects an archive whose format its name tells (<see cref="ArchiveFormats.FromName"/>); any other name is refused.</summary>
    public static Task<InspectionResult> InspectAsync(
        string archivePath, string destinationPrefix, ArchiveLimits limits, CancellationToken cancellationToken = default)
    {
        if (ArchiveFormats.FromName(archivePath) is not { } format)
        {
            return Task.FromResult<InspectionResult>(new ArchiveRefusal(ArchiveRule.UnsupportedFormat, null,
                $"'{Path.GetFileName(archivePath)}' is not a zip, tar, tar.gz, tgz or gz archive"));
        }

        return InspectAsync(archivePath, format, destinationPrefix, limits, cancellationToken);
    }

    /// <param name="destinationPrefix">The dataset folder the files go under ("extracted/"); "" for the root.</param>
    /// <returns>The plan, or the first rule broken. I/O errors and cancellation are thrown.</returns>
    public static async Task<InspectionResult> InspectAsync(
        string archivePath, ArchiveFormat format, string destinationPrefix, ArchiveLimits limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (destinationPrefix.Length > 0 && !destinationPrefix.EndsWith('/'))
        {
            destinationPrefix += "/";
        }

        var prefixError = DatasetPaths.CheckPrefix(destinationPrefix, out _);
        if (prefixError is not null)
        {
            return new ArchiveRefusal(ArchiveRule.InvalidName, null, $"the destination {prefixError}");
        }

        await using var file = OpenRead(archivePath);
        var builder = new PlanBuilder(archivePath, format, destinationPrefix, limits);
        try
        {
            var refusal = format switch
            {
                ArchiveFormat.Zip => InspectZip(file, builder, limits, cancellationToken),
                ArchiveFormat.Tar or ArchiveFormat.TarGzip => await InspectTarAsync(file, format, builder, cancellationToken).ConfigureAwait(false),
                ArchiveFormat.Gzip => await InspectGzipAsync(file, archivePath, builder, limits, cancellationToken).ConfigureAwait(false),
                _ => new ArchiveRefusal(ArchiveRule.UnsupportedFormat, null, $"'{format}' is not an archive format this tool reads"),
            };
            if (refusal is not null)
            {
                return refusal;
            }
        }
        catch (Exception e) when (IsCorruptData(e))
        {
            return new ArchiveRefusal(ArchiveRule.Corrupt, null, $"the archive is not a valid {format}: {e.Message}");
        }

        // The whole archive's ratio: many entries each under the limit can still add up to a bomb.
        if (format != ArchiveFormat.Tar && limits.ExceedsRatio(builder.TotalBytes, file.Length))
        {
            return new ArchiveRefusal(ArchiveRule.RatioTooHigh, null,
                $"the archive expands {builder.TotalBytes} bytes from {file.Length}, past the ratio limit of {limits.MaxRatio}");
        }

        return builder.Build(file.Length, File.GetLastWriteTimeUtc(archivePath));
    }

    internal static FileStream OpenRead(string path) =>
        new(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read, BufferSize = 0, Options = FileOptions.Asynchronous });

    /// <summary>What the readers throw on bad archive bytes, as opposed to I/O errors and bugs.</summary>
    internal static bool IsCorruptData(Exception e) =>
        e is InvalidDataException or EndOfStreamException or FormatException or OverflowException;
}
