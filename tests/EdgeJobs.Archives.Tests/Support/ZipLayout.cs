using System.Buffers.Binary;
using System.Text;

namespace EdgeJobs.Archives.Tests.Support;

/// <summary>
/// A test's own reading of a ZIP's records, from the end: the end records and every central-directory entry
/// with its ZIP64 extra, and a local header on request. Enough to check what was written, not a reader.
/// </summary>
public sealed class ZipLayout
{
    public sealed record Central(string Name, ushort VersionNeeded, uint Size32, uint CompressedSize32, uint Offset32, long Size, long CompressedSize, long Offset, bool HasZip64Extra);

    public sealed record Local(ushort VersionNeeded, ushort Flags, uint Size32, bool HasZip64Extra);

    public bool HasZip64End { get; private init; }
    public ushort ClassicCount { get; private init; }
    public long Count { get; private init; }
    public List<Central> Entries { get; } = [];

    public static ZipLayout Read(string path)
    {
        using var file = File.OpenRead(path);
        var tail = ReadAt(file, file.Length - 22, 22);
        if (BinaryPrimitives.ReadUInt32LittleEndian(tail) != 0x06054b50)
        {
            throw new InvalidDataException("no end record without a comment");
        }

        var classicCount = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(10));
        long count = classicCount;
        long directoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(16));
        var locator = ReadAt(file, file.Length - 42, 20);
        var hasZip64 = BinaryPrimitives.ReadUInt32LittleEndian(locator) == 0x07064b50;
        if (hasZip64)
        {
            var end = ReadAt(file, BinaryPrimitives.ReadInt64LittleEndian(locator.AsSpan(8)), 56);
            if (BinaryPrimitives.ReadUInt32LittleEndian(end) != 0x06064b50)
            {
                throw new InvalidDataException("the ZIP64 locator does not point at a ZIP64 end record");
            }

            count = BinaryPrimitives.ReadInt64LittleEndian(end.AsSpan(32));
            directoryOffset = BinaryPrimitives.ReadInt64LittleEndian(end.AsSpan(48));
        }

        var layout = new ZipLayout { HasZip64End = hasZip64, ClassicCount = classicCount, Count = count };
        file.Position = directoryOffset;
        using var reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
        for (long i = 0; i < count; i++)
        {
            layout.Entries.Add(ReadCentral(reader));
        }

        return layout;
    }

    public static Local ReadLocal(string path, long offset)
    {
        using var file = File.OpenRead(path);
        var header = ReadAt(file, offset, 30);
        var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(26));
        var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(28));
        var extra = ReadAt(file, offset + 30 + nameLength, extraLength);
        return new Local(
            BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(4)),
            BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(6)),
            BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(22)),
            extraLength >= 4 && BinaryPrimitives.ReadUInt16LittleEndian(extra) == 0x0001);
    }

    private static Central ReadCentral(BinaryReader r)
    {
        if (r.ReadUInt32() != 0x02014b50)
        {
            throw new InvalidDataException("not a central-directory record");
        }

        r.ReadUInt16(); // made by
        var needed = r.ReadUInt16();
        r.ReadBytes(12); // flags, method, time, date, crc
        var compressed32 = r.ReadUInt32();
        var size32 = r.ReadUInt32();
        var nameLength = r.ReadUInt16();
        var extraLength = r.ReadUInt16();
        var commentLength = r.ReadUInt16();
        r.ReadBytes(8); // disk, internal, external
        var offset32 = r.ReadUInt32();
        var name = Encoding.UTF8.GetString(r.ReadBytes(nameLength));
        var extra = r.ReadBytes(extraLength);
        r.ReadBytes(commentLength);

        long size = size32, compressed = compressed32, offset = offset32;
        var hasZip64 = false;
        for (var at = 0; at + 4 <= extra.Length;)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra.AsSpan(at));
            var length = BinaryPrimitives.ReadUInt16LittleEndian(extra.AsSpan(at + 2));
            if (id == 0x0001)
            {
                hasZip64 = true;
                var field = at + 4;
                if (size32 == uint.MaxValue) { size = BinaryPrimitives.ReadInt64LittleEndian(extra.AsSpan(field)); field += 8; }
                if (compressed32 == uint.MaxValue) { compressed = BinaryPrimitives.ReadInt64LittleEndian(extra.AsSpan(field)); field += 8; }
                if (offset32 == uint.MaxValue) { offset = BinaryPrimitives.ReadInt64LittleEndian(extra.AsSpan(field)); }
            }

            at += 4 + length;
        }

        return new Central(name, needed, size32, compressed32, offset32, size, compressed, offset, hasZip64);
    }

    private static byte[] ReadAt(FileStream file, long offset, int count)
    {
        var bytes = new byte[count];
        file.Position = offset;
        file.ReadExactly(bytes);
        return bytes;
    }
}
