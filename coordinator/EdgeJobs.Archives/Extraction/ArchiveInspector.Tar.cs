using System.Formats.Tar;
using System.IO.Compression;

namespace EdgeJobs.Archives.Extraction;

public static partial class ArchiveInspector
{
    private static async Task<ArchiveRefusal?> InspectTarAsync(FileStream file, ArchiveFormat format, PlanBuilder builder, CancellationToken cancellationToken)
    {
        await using var reader = OpenTar(file, format);
        for (var ordinal = 0; ; ordinal++)
        {
            // Each call skips the previous entry's data; the builder refused any size past the limit before
            // this call, so a bomb's declared gigabytes are never read.
            var entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
            if (entry is null)
            {
                return null;
            }

            var refusal = InspectTarEntry(entry, ordinal, builder);
            if (refusal is not null)
            {
                return refusal;
            }
        }
    }

    /// <summary>
    /// A pax or GNU long-name record's largest size: long names take a few kilobytes, and the reader holds the
    /// whole record in memory (see <see cref="TarMetadataGuard"/>).
    /// </summary>
    internal const int MaxTarMetadataBytes = 1 << 20;

    /// <summary>
    /// A reader over a tar or tar.gz file, through the metadata guard; disposing it disposes the guard and the
    /// decompressor, never the file. The guard cannot seek, so a plain tar's data is read past, not seeked over.
    /// </summary>
    internal static TarReader OpenTar(FileStream file, ArchiveFormat format)
    {
        var guard = format == ArchiveFormat.TarGzip
            ? new TarMetadataGuard(new GZipStream(file, CompressionMode.Decompress, leaveOpen: true), MaxTarMetadataBytes, ownsInner: true)
            : new TarMetadataGuard(file, MaxTarMetadataBytes, ownsInner: false);
        return new TarReader(guard, leaveOpen: false);
    }

    /// <summary>
    /// Every symbolic and hard link is refused, wherever it points: a link inside the destination is still a
    /// second name the dataset index cannot express, and "inside" depends on links extracted before it.
    /// </summary>
    private static ArchiveRefusal? InspectTarEntry(TarEntry entry, int ordinal, PlanBuilder builder)
    {
        var name = entry.Name;
        if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
        {
            // Defaults for the entries after it, already applied by the reader; not a file.
            return null;
        }

        var refusal = builder.Count(name);
        if (refusal is not null)
        {
            return refusal;
        }

        // GNU sparse 1.0 hides in a regular file's pax records: its data is a map plus packed extents, not the file.
        if (entry is PaxTarEntry pax && pax.ExtendedAttributes.Keys.Any(k => k.StartsWith("GNU.sparse.", StringComparison.Ordinal)))
        {
            return new ArchiveRefusal(ArchiveRule.UnsupportedEntry, name, "is a GNU sparse file, which is not extracted");
        }

        return entry.EntryType switch
        {
            TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile => builder.AddFile(name, entry.Length, ordinal),
            TarEntryType.Directory => builder.AddFolder(name),
            TarEntryType.SymbolicLink or TarEntryType.HardLink =>
                new ArchiveRefusal(ArchiveRule.Link, name, $"is a {(entry.EntryType == TarEntryType.HardLink ? "hard" : "symbolic")} link"),
            TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo =>
                new ArchiveRefusal(ArchiveRule.SpecialFile, name, "is a device or FIFO"),
            _ => new ArchiveRefusal(ArchiveRule.UnsupportedEntry, name, $"is a tar entry of type '{entry.EntryType}', which is not extracted"),
        };
    }
}
