using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using EdgeJobs.Archives.Extraction;
using EdgeJobs.Archives.Tests.Support;
using static EdgeJobs.Archives.Tests.Support.TestArchives;

namespace EdgeJobs.Archives.Tests.Extraction;

/// <summary>Headers whose sizes are not what the data yields: extraction stops at the first byte too many and rolls back.</summary>
public class LyingHeaderTests
{
    /// <summary>ZipArchive cuts the entry at the declared 100 bytes; the CRC-32 is what catches the lie.</summary>
    [Test]
    public async Task a_zip_entry_holding_more_than_its_directory_declares_is_refused_and_rolled_back()
    {
        using var dir = new TempDir();
        var path = Zip(dir.File("a.zip"), ("first.txt", Bytes("an honest file")), ("liar.bin", new byte[200_000]));

        // The central directory and the local header both say 100 bytes; the deflate stream holds 200,000.
        var bytes = await File.ReadAllBytesAsync(path);
        PatchSizes(bytes, "liar.bin", 100);
        await File.WriteAllBytesAsync(path, bytes);

        var refusal = await Extract.RefusedAsync(dir, path, ArchiveFormat.Zip);

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.Corrupt);
        await Assert.That(refusal.Entry).IsEqualTo("liar.bin");
        await Assert.That(refusal.Reason).Contains("CRC-32");
    }

    [Test]
    public async Task a_zip_entry_holding_less_than_its_directory_declares_is_refused_and_rolled_back()
    {
        using var dir = new TempDir();
        var path = Zip(dir.File("a.zip"), ("first.txt", Bytes("an honest file")), ("liar.bin", new byte[1000]));
        var bytes = await File.ReadAllBytesAsync(path);
        PatchSizes(bytes, "liar.bin", 5000);
        await File.WriteAllBytesAsync(path, bytes);

        var refusal = await Extract.RefusedAsync(dir, path, ArchiveFormat.Zip);

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.SizeMismatch);
        await Assert.That(refusal.Reason).Contains("yields 1000 of the 5000 bytes");
    }

    [Test]
    public async Task a_tar_gz_whose_header_declares_more_than_its_data_is_refused_as_corrupt()
    {
        using var dir = new TempDir();
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "ok.txt") { DataStream = new MemoryStream(Bytes("fine")) });
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "short.bin") { DataStream = new MemoryStream(new byte[100_000]) });
        }

        // Cut the archive 10 KB into the second entry's data: the header still declares 100,000 bytes.
        var tgz = dir.File("a.tar.gz");
        using (var gzip = new GZipStream(File.Create(tgz), CompressionLevel.Fastest))
        {
            gzip.Write(tar.GetBuffer().AsSpan(0, 1024 + 512 + 10_000));
        }

        var refusal = await Extract.RefusedAsync(dir, tgz, ArchiveFormat.TarGzip);

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.Corrupt);
    }

    [Test]
    public async Task a_tar_gz_whose_header_declares_less_than_its_data_is_refused_at_the_bytes_that_follow()
    {
        using var dir = new TempDir();
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "liar.bin") { DataStream = new MemoryStream(Enumerable.Repeat((byte)'x', 5000).ToArray()) });
        }

        // Declare 512 bytes: the reader then takes the rest of the data for the next header, whose checksum fails.
        var bytes = tar.ToArray();
        WriteOctal(bytes.AsSpan(124, 12), 512);
        WriteOctal(bytes.AsSpan(148, 8), Checksum(bytes.AsSpan(0, 512)));
        var tgz = dir.File("a.tar.gz");
        using (var gzip = new GZipStream(File.Create(tgz), CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }

        var refusal = await Extract.RefusedAsync(dir, tgz, ArchiveFormat.TarGzip);

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.Corrupt);
    }

    [Test]
    public async Task a_gzip_yielding_more_than_inspected_is_stopped_and_rolled_back()
    {
        using var dir = new TempDir();
        var path = dir.File("dem.tif.gz");
        var shortGz = GzipOf(new byte[1000]);
        var longGz = GzipOf(new byte[100_000]);
        Array.Resize(ref shortGz, Math.Max(shortGz.Length, longGz.Length));
        Array.Resize(ref longGz, shortGz.Length);

        // Inspect 1,000 bytes; then the file, same length and write time, holds 100,000.
        await File.WriteAllBytesAsync(path, shortGz);
        var inspection = await ArchiveInspector.InspectAsync(path, ArchiveFormat.Gzip, "", Extract.Generous);
        var written = File.GetLastWriteTimeUtc(path);
        await File.WriteAllBytesAsync(path, longGz);
        File.SetLastWriteTimeUtc(path, written);
        var result = await ArchiveExtractor.ExtractAsync(inspection.Plan!, Extract.Staging(dir), new ExtractionOptions());

        await Assert.That(result.Refusal!.Rule).IsEqualTo(ArchiveRule.SizeMismatch);
        await Assert.That(result.Refusal.Reason).Contains("more than the 1000 bytes");
        await Assert.That(Extract.StagedEntries(dir)).IsEmpty();
    }

    private static byte[] GzipOf(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Sets the uncompressed size in the named entry's local header and central-directory record.</summary>
    private static void PatchSizes(byte[] zip, string name, uint size)
    {
        var nameBytes = Bytes(name);
        for (var i = 0; i + 46 < zip.Length; i++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i));
            var (nameAt, sizeAt) = signature switch
            {
                0x04034b50 => (i + 30, i + 22),
                0x02014b50 => (i + 46, i + 24),
                _ => (-1, -1),
            };
            if (nameAt > 0 && zip.AsSpan(nameAt).StartsWith(nameBytes))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(sizeAt), size);
            }
        }
    }

    private static void WriteOctal(Span<byte> field, long value)
    {
        var text = Convert.ToString(value, 8).PadLeft(field.Length - 1, '0');
        Bytes(text).CopyTo(field);
        field[^1] = 0;
    }

    private static long Checksum(ReadOnlySpan<byte> header)
    {
        long sum = 0;
        for (var i = 0; i < header.Length; i++)
        {
            sum += i is >= 148 and < 156 ? (byte)' ' : header[i];
        }

        return sum;
    }
}
