using System.IO.Compression;

namespace EdgeJobs.Archives.Extraction;

public static partial class ArchiveInspector
{
    // The file-type bits of a Unix mode, kept by Unix zip tools in the high half of the external attributes.
    private const int UnixTypeMask = 0xF000;
    private const int UnixFifo = 0x1000;
    private const int UnixCharDevice = 0x2000;
    private const int UnixDirectory = 0x4000;
    private const int UnixBlockDevice = 0x6000;
    private const int UnixSymlink = 0xA000;
    private const int UnixSocket = 0xC000;

    /// <summary>
    /// A central-directory record is 46 bytes plus name, extra and comment; 4 KB each is far more than a name
    /// the dataset rules allow (1 KB) needs, and bounds what ZipArchive loads for an archive within the count.
    /// </summary>
    private const int MaxDirectoryBytesPerEntry = 4096;

    private static ArchiveRefusal? InspectZip(FileStream file, PlanBuilder builder, ArchiveLimits limits, CancellationToken cancellationToken)
    {
        if (!ZipDirectoryEnd.TryRead(file, out var end))
        {
            return new ArchiveRefusal(ArchiveRule.Corrupt, null, "the archive is not a valid Zip: no end of central directory record");
        }

        if (end.EntryCount > limits.MaxEntries)
        {
            return new ArchiveRefusal(ArchiveRule.TooManyEntries, null, $"the archive has {end.EntryCount} entries, past the limit of {limits.MaxEntries}");
        }

        if (end.DirectorySize > (long)MaxDirectoryBytesPerEntry * Math.Max(end.EntryCount, 1))
        {
            return new ArchiveRefusal(ArchiveRule.Corrupt, null, $"the central directory is {end.DirectorySize} bytes for {end.EntryCount} entries");
        }

        using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        var entries = zip.Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var refusal = InspectZipEntry(entries[i], i, builder, limits);
            if (refusal is not null)
            {
                return refusal;
            }
        }

        return null;
    }

    private static ArchiveRefusal? InspectZipEntry(ZipArchiveEntry entry, int ordinal, PlanBuilder builder, ArchiveLimits limits)
    {
        var name = entry.FullName;
        var refusal = builder.Count(name);
        if (refusal is not null)
        {
            return refusal;
        }

        // DOS-made archives leave the high half zero; a Unix type there is read whatever the "made by" host.
        var unixType = (entry.ExternalAttributes >> 16) & UnixTypeMask;
        switch (unixType)
        {
            case UnixSymlink:
                return new ArchiveRefusal(ArchiveRule.Link, name, "is a symbolic link");
            case UnixFifo or UnixCharDevice or UnixBlockDevice or UnixSocket:
                return new ArchiveRefusal(ArchiveRule.SpecialFile, name, "is a device, FIFO or socket");
        }

        if (entry.IsEncrypted)
        {
            return new ArchiveRefusal(ArchiveRule.UnsupportedEntry, name, "is encrypted");
        }

        if (name.EndsWith('/') || unixType == UnixDirectory)
        {
            return builder.AddFolder(name);
        }

        refusal = builder.AddFile(name, entry.Length, ordinal);
        if (refusal is not null)
        {
            return refusal;
        }

        // ZipArchive does not show an entry's compression method; opening the entry reads its local header
        // and refuses a method it lacks (bzip2, LZMA, zstd) or a header that does not match, before any data.
        try
        {
            using var data = entry.Open();
        }
        catch (InvalidDataException e)
        {
            return new ArchiveRefusal(ArchiveRule.UnsupportedEntry, name, $"cannot be read: {e.Message}");
        }

        if (limits.ExceedsRatio(entry.Length, entry.CompressedLength))
        {
            return new ArchiveRefusal(ArchiveRule.RatioTooHigh, name,
                $"expands {entry.Length} bytes from {entry.CompressedLength}, past the ratio limit of {limits.MaxRatio}");
        }

        return null;
    }
}
