using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using EdgeJobs.Archives.Tests.Support;
using static EdgeJobs.Archives.Tests.Support.TestArchives;

namespace EdgeJobs.Archives.Tests.Extraction;

/// <summary>Tar metadata records: long names pass, a pax header declaring a gigabyte is refused without the gigabyte.</summary>
public class TarMetadataTests
{
    [Test]
    [NotInParallel]
    public async Task a_pax_header_declaring_a_gigabyte_is_refused_without_allocating_it()
    {
        using var dir = new TempDir();
        var tgz = dir.File("a.tar.gz");
        using (var gzip = new GZipStream(File.Create(tgz), CompressionLevel.Fastest))
        {
            gzip.Write(Header("PaxHeaders/x", 'x', 1L << 30));
            gzip.Write(new byte[1024]);
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var refusal = await Extract.RefusedAsync(dir, tgz, ArchiveFormat.TarGzip);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.Corrupt);
        await Assert.That(refusal.Reason).Contains("metadata record");
        // Process-wide, so with margin for anything else the process does meanwhile; the failure is a whole gigabyte.
        await Assert.That(allocated).IsLessThan(256L << 20);
    }

    [Test]
    [Arguments(TarEntryFormat.Pax)]
    [Arguments(TarEntryFormat.Gnu)]
    public async Task long_names_in_pax_and_gnu_records_extract(TarEntryFormat format)
    {
        using var dir = new TempDir();
        var name = string.Join('/', Enumerable.Range(0, 6).Select(i => $"folder-with-a-long-name-{i:D3}-{new string('x', 100)}")) + "/ortho.tif";
        var tar = dir.File("a.tar");
        using (var file = File.Create(tar))
        using (var writer = new TarWriter(file, format))
        {
            TarEntry entry = format == TarEntryFormat.Pax ? new PaxTarEntry(TarEntryType.RegularFile, name) : new GnuTarEntry(TarEntryType.RegularFile, name);
            entry.DataStream = new MemoryStream(Bytes("pixels"));
            writer.WriteEntry(entry);
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "after.txt") { DataStream = new MemoryStream(Bytes("after")) });
        }

        var result = await Extract.RunAsync(dir, tar, ArchiveFormat.Tar);

        await Assert.That(result.Files!.Select(f => f.Path)).IsEquivalentTo(new[] { name, "after.txt" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task a_pax_size_record_moves_the_next_header_and_the_guard_follows_it()
    {
        using var dir = new TempDir();

        // The header says 0 bytes; the pax record says 1,000, as writers do for files past 8 GB.
        var pax = PaxRecord("size", "1000");
        var tar = new MemoryStream();
        tar.Write(Header("PaxHeaders/big", 'x', pax.Length));
        tar.Write(Padded(pax));
        tar.Write(Header("big.bin", '0', 0));
        tar.Write(Padded(new byte[1000]));
        tar.Write(Header("after.txt", '0', 5));
        tar.Write(Padded(Bytes("after")));
        tar.Write(new byte[1024]);
        var path = dir.File("a.tar");
        await File.WriteAllBytesAsync(path, tar.ToArray());

        var result = await Extract.RunAsync(dir, path, ArchiveFormat.Tar);

        await Assert.That(result.Files!.Select(f => $"{f.Path} {f.Size}")).IsEquivalentTo(new[] { "big.bin 1000", "after.txt 5" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    private static byte[] PaxRecord(string key, string value)
    {
        var body = $" {key}={value}\n";
        var length = body.Length + 1;
        while ($"{length}{body}".Length != length)
        {
            length++;
        }

        return Encoding.ASCII.GetBytes($"{length}{body}");
    }

    private static byte[] Padded(byte[] data)
    {
        var padded = new byte[(data.Length + 511) / 512 * 512];
        data.CopyTo(padded, 0);
        return padded;
    }

    /// <summary>A ustar header block with a valid checksum.</summary>
    private static byte[] Header(string name, char type, long size)
    {
        var h = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(h, 0);
        Octal(h.AsSpan(100, 8), 0x1A4);
        Octal(h.AsSpan(108, 8), 0);
        Octal(h.AsSpan(116, 8), 0);
        Octal(h.AsSpan(124, 12), size);
        Octal(h.AsSpan(136, 12), 0);
        h[156] = (byte)type;
        "ustar\0"u8.CopyTo(h.AsSpan(257));
        "00"u8.CopyTo(h.AsSpan(263));
        long sum = 0;
        for (var i = 0; i < 512; i++)
        {
            sum += i is >= 148 and < 156 ? (byte)' ' : h[i];
        }

        Octal(h.AsSpan(148, 8), sum);
        return h;
    }

    private static void Octal(Span<byte> field, long value)
    {
        Encoding.ASCII.GetBytes(Convert.ToString(value, 8).PadLeft(field.Length - 1, '0')).CopyTo(field);
        field[^1] = 0;
    }
}
