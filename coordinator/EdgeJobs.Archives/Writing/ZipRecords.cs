using System.Buffers.Binary;

namespace EdgeJobs.Archives.Writing;

/// <summary>
/// The byte layouts of the ZIP records <see cref="ZipStreamWriter"/> writes, from PKWARE's APPNOTE 6.3.10
/// (https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT), section numbers in the comments.
/// Each writer fills a span and returns the bytes used.
/// </summary>
internal static class ZipRecords
{
    public const uint Max32 = uint.MaxValue;
    public const ushort Max16 = ushort.MaxValue;

    public const int LocalHeaderLength = 30;
    public const int CentralHeaderLength = 46;
    public const int Zip64EndLength = 56;
    public const int Zip64LocatorLength = 20;
    public const int EndLength = 22;

    /// <summary>Bit 3: CRC and sizes follow the data (4.4.4); bit 11: the name is UTF-8 (4.4.4, appendix D).</summary>
    public const ushort Flags = 0x0008 | 0x0800;

    /// <summary>2.0 for deflate and data descriptors, 4.5 for ZIP64 (4.4.3.2).</summary>
    public const ushort Version20 = 20;
    public const ushort Version45 = 45;

    /// <summary>Made by Unix (3) at 4.5, so the external attributes carry a Unix mode (4.4.2).</summary>
    public const ushort VersionMadeBy = (3 << 8) | Version45;

    /// <summary>A regular file, rw-r--r--, in the high half of the external attributes.</summary>
    public const uint FileAttributes = 0x81A4u << 16;

    public const ushort Stored = 0;
    public const ushort Deflated = 8;

    /// <summary>4.3.7, with the ZIP64 extra (4.5.3) when the entry may pass 4 GB: both sizes, zero until the descriptor.</summary>
    public static int WriteLocalHeader(Span<byte> span, ushort method, uint dosTime, ReadOnlySpan<byte> name, bool zip64)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(span, 0x04034b50);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], zip64 ? Version45 : Version20);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], method);
        BinaryPrimitives.WriteUInt32LittleEndian(span[10..], dosTime);
        BinaryPrimitives.WriteUInt32LittleEndian(span[14..], 0); // CRC-32, in the descriptor
        BinaryPrimitives.WriteUInt32LittleEndian(span[18..], zip64 ? Max32 : 0);
        BinaryPrimitives.WriteUInt32LittleEndian(span[22..], zip64 ? Max32 : 0);
        BinaryPrimitives.WriteUInt16LittleEndian(span[26..], (ushort)name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[28..], (ushort)(zip64 ? 20 : 0));
        name.CopyTo(span[LocalHeaderLength..]);
        var length = LocalHeaderLength + name.Length;
        if (zip64)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[length..], 0x0001);
            BinaryPrimitives.WriteUInt16LittleEndian(span[(length + 2)..], 16);
            span.Slice(length + 4, 16).Clear();
            length += 20;
        }

        return length;
    }

    /// <summary>4.3.9: with a signature, and 8-byte sizes exactly when the local header had the ZIP64 extra (4.3.9.2).</summary>
    public static int WriteDataDescriptor(Span<byte> span, uint crc, long compressed, long uncompressed, bool zip64)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(span, 0x08074b50);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], crc);
        if (zip64)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[8..], compressed);
            BinaryPrimitives.WriteInt64LittleEndian(span[16..], uncompressed);
            return 24;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)compressed);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)uncompressed);
        return 16;
    }

    /// <summary>The most <see cref="WriteCentralHeader"/> writes besides the name.</summary>
    public const int CentralHeaderMaxExtra = 4 + 24;

    /// <summary>4.3.12, with a ZIP64 extra (4.5.3) holding just the fields set to 0xFFFFFFFF, in the spec's order.</summary>
    public static int WriteCentralHeader(Span<byte> span, in ZipCentralRecord entry)
    {
        var zip64Sizes = entry.Zip64Local;
        var zip64Offset = entry.Offset >= Max32;
        var extraLength = (zip64Sizes ? 16 : 0) + (zip64Offset ? 8 : 0);
        BinaryPrimitives.WriteUInt32LittleEndian(span, 0x02014b50);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], VersionMadeBy);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], zip64Sizes || zip64Offset ? Version45 : Version20);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(span[10..], entry.Method);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], entry.DosTime);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], entry.Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], zip64Sizes ? Max32 : (uint)entry.CompressedSize);
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], zip64Sizes ? Max32 : (uint)entry.Size);
        BinaryPrimitives.WriteUInt16LittleEndian(span[28..], (ushort)entry.Name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[30..], (ushort)(extraLength == 0 ? 0 : 4 + extraLength));
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], 0); // comment length
        BinaryPrimitives.WriteUInt16LittleEndian(span[34..], 0); // disk number start
        BinaryPrimitives.WriteUInt16LittleEndian(span[36..], 0); // internal attributes
        BinaryPrimitives.WriteUInt32LittleEndian(span[38..], FileAttributes);
        BinaryPrimitives.WriteUInt32LittleEndian(span[42..], zip64Offset ? Max32 : (uint)entry.Offset);
        entry.Name.CopyTo(span[CentralHeaderLength..]);
        var at = CentralHeaderLength + entry.Name.Length;
        if (extraLength == 0)
        {
            return at;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(span[at..], 0x0001);
        BinaryPrimitives.WriteUInt16LittleEndian(span[(at + 2)..], (ushort)extraLength);
        at += 4;
        if (zip64Sizes)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], entry.Size);
            BinaryPrimitives.WriteInt64LittleEndian(span[(at + 8)..], entry.CompressedSize);
            at += 16;
        }

        if (zip64Offset)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], entry.Offset);
            at += 8;
        }

        return at;
    }

    /// <summary>
    /// The end of the archive: the ZIP64 end record and locator (4.3.14, 4.3.15) when the count, the directory's
    /// size or its offset does not fit the classic record, then the classic record (4.3.16) with those fields at
    /// their 0xFFFF.. marker.
    /// </summary>
    public static int WriteEnd(Span<byte> span, long count, long directoryOffset, long directorySize)
    {
        var zip64 = count >= Max16 || directoryOffset >= Max32 || directorySize >= Max32;
        var at = 0;
        if (zip64)
        {
            var zip64EndOffset = directoryOffset + directorySize;
            BinaryPrimitives.WriteUInt32LittleEndian(span, 0x06064b50);
            BinaryPrimitives.WriteInt64LittleEndian(span[4..], Zip64EndLength - 12); // size of the rest of the record
            BinaryPrimitives.WriteUInt16LittleEndian(span[12..], VersionMadeBy);
            BinaryPrimitives.WriteUInt16LittleEndian(span[14..], Version45);
            BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 0); // this disk
            BinaryPrimitives.WriteUInt32LittleEndian(span[20..], 0); // the directory's disk
            BinaryPrimitives.WriteInt64LittleEndian(span[24..], count);
            BinaryPrimitives.WriteInt64LittleEndian(span[32..], count);
            BinaryPrimitives.WriteInt64LittleEndian(span[40..], directorySize);
            BinaryPrimitives.WriteInt64LittleEndian(span[48..], directoryOffset);
            at = Zip64EndLength;

            BinaryPrimitives.WriteUInt32LittleEndian(span[at..], 0x07064b50);
            BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 4)..], 0);
            BinaryPrimitives.WriteInt64LittleEndian(span[(at + 8)..], zip64EndOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 16)..], 1); // total disks
            at += Zip64LocatorLength;
        }

        var classicCount = (ushort)Math.Min(count, Max16);
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(span[(at + 4)..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(span[(at + 6)..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(span[(at + 8)..], classicCount);
        BinaryPrimitives.WriteUInt16LittleEndian(span[(at + 10)..], classicCount);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 12)..], (uint)Math.Min(directorySize, Max32));
        BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 16)..], (uint)Math.Min(directoryOffset, Max32));
        BinaryPrimitives.WriteUInt16LittleEndian(span[(at + 20)..], 0); // comment length
        return at + EndLength;
    }

    /// <summary>MS-DOS date and time (4.4.6), local time by the format's letter; we store UTC and clamp to 1980..2107.</summary>
    public static uint DosTime(DateTimeOffset time)
    {
        var t = time.UtcDateTime;
        if (t.Year < 1980)
        {
            t = new DateTime(1980, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        }
        else if (t.Year > 2107)
        {
            t = new DateTime(2107, 12, 31, 23, 59, 58, DateTimeKind.Utc);
        }

        var date = ((t.Year - 1980) << 9) | (t.Month << 5) | t.Day;
        var clock = (t.Hour << 11) | (t.Minute << 5) | (t.Second / 2);
        return (uint)((date << 16) | clock);
    }
}
