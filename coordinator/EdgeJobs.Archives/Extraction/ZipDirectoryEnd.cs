using System.Buffers.Binary;

namespace EdgeJobs.Archives.Extraction;

/// <summary>
/// The entry count and central-directory size from a ZIP's end records (classic and ZIP64), read before
/// <see cref="System.IO.Compression.ZipArchive"/> is opened: ZipArchive loads every central-directory entry
/// into memory up front, so an archive claiming ten million entries must be refused from its last kilobytes.
/// </summary>
internal readonly record struct ZipDirectoryEnd(long EntryCount, long DirectorySize)
{
    private const uint EndSignature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const int EndLength = 22;
    private const int LocatorLength = 20;
    private const int Zip64EndLength = 56;

    /// <returns>False when no end record is found: not a ZIP, or truncated.</returns>
    public static bool TryRead(FileStream file, out ZipDirectoryEnd end)
    {
        end = default;
        var length = file.Length;
        var tailLength = (int)Math.Min(length, EndLength + ushort.MaxValue + LocatorLength);
        var tail = new byte[tailLength];
        file.Position = length - tailLength;
        file.ReadExactly(tail);

        // The end record is followed by a comment of at most 64 KB; the last signature wins.
        for (var i = tailLength - EndLength; i >= 0; i--)
        {
            var span = tail.AsSpan(i);
            if (BinaryPrimitives.ReadUInt32LittleEndian(span) != EndSignature)
            {
                continue;
            }

            long count = BinaryPrimitives.ReadUInt16LittleEndian(span[10..]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(span[12..]);
            if (i >= LocatorLength && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i - LocatorLength)) == Zip64LocatorSignature)
            {
                var zip64EndOffset = BinaryPrimitives.ReadInt64LittleEndian(tail.AsSpan(i - LocatorLength + 8));
                if (zip64EndOffset < 0 || zip64EndOffset > length - Zip64EndLength)
                {
                    return false;
                }

                Span<byte> zip64End = stackalloc byte[Zip64EndLength];
                file.Position = zip64EndOffset;
                file.ReadExactly(zip64End);
                if (BinaryPrimitives.ReadUInt32LittleEndian(zip64End) != Zip64EndSignature)
                {
                    return false;
                }

                count = BinaryPrimitives.ReadInt64LittleEndian(zip64End[32..]);
                size = BinaryPrimitives.ReadInt64LittleEndian(zip64End[40..]);
            }

            file.Position = 0;
            end = new ZipDirectoryEnd(count, size);
            return count >= 0 && size >= 0;
        }

        return false;
    }
}
