using System.Formats.Tar;
using System.IO.Compression;
using EdgeJobs.Archives.Tests.Support;
using static EdgeJobs.Archives.Tests.Support.TestArchives;

namespace EdgeJobs.Archives.Tests.Extraction;

/// <summary>Archives over the caller's limits: refused from their directory, before anything is written.</summary>
public class BombRefusalTests
{
    private static readonly ArchiveLimits Small = new(MaxEntries: 5, MaxExpandedBytes: 3 << 20, MaxRatio: 50);

    private static (string, byte[]?)[] Files(int count, int size) =>
        Enumerable.Range(0, count).Select(i => ($"f{i}.bin", (byte[]?)new byte[size])).ToArray();

    [Test]
    public async Task a_zip_with_more_entries_than_the_limit_is_refused_from_its_end_record()
    {
        using var dir = new TempDir();
        var zip = Zip(dir.File("a.zip"), Files(6, 10));

        var refusal = await Extract.RefusedAsync(dir, zip, ArchiveFormat.Zip, Small);

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.TooManyEntries);
        await Assert.That(refusal.Entry).IsNull();
    }

    [Test]
    public async Task folders_count_as_entries()
    {
        using var dir = new TempDir();
        var tar = Tar(dir.File("a.tar"), w =>
        {
            for (var i = 0; i < 6; i++)
            {
                w.AddFolder($"d{i}/");
            }
        });

        var refusal = await Extract.RefusedAsync(dir, tar, ArchiveFormat.Tar, Small);

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.TooManyEntries);
        await Assert.That(refusal.Entry).IsEqualTo("d5/");
    }

    [Test]
    public async Task a_zip_expanding_past_the_byte_limit_is_refused()
    {
        using var dir = new TempDir();
        var zip = Zip(dir.File("a.zip"), Files(4, 1 << 20));

        var refusal = await Extract.RefusedAsync(dir, zip, ArchiveFormat.Zip, Small with { MaxRatio = 10_000 });

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.TooLarge);
        await Assert.That(refusal.Entry).IsEqualTo("f3.bin");
    }

    [Test]
    public async Task a_zip_entry_past_the_ratio_is_refused()
    {
        using var dir = new TempDir();
        var zip = Zip(dir.File("a.zip"), ("zeros.bin", new byte[2 << 20]));

        var refusal = await Extract.RefusedAsync(dir, zip, ArchiveFormat.Zip, Small);

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.RatioTooHigh);
        await Assert.That(refusal.Entry).IsEqualTo("zeros.bin");
    }

    [Test]
    public async Task small_entries_under_the_ratio_floor_add_up_to_a_whole_archive_ratio_refusal()
    {
        using var dir = new TempDir();
        var tgz = Tar(dir.File("a.tgz"), w =>
        {
            for (var i = 0; i < 4; i++)
            {
                w.AddFile($"z{i}.bin", new byte[700 << 10]);
            }
        });

        var refusal = await Extract.RefusedAsync(dir, tgz, ArchiveFormat.TarGzip, Small);

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.RatioTooHigh);
        await Assert.That(refusal.Entry).IsNull();
    }

    [Test]
    public async Task a_tar_gz_header_declaring_more_than_the_limit_is_refused_before_its_data_is_read()
    {
        using var dir = new TempDir();

        // One header that declares 4 MB, and then nothing: refused at the header, so the missing data is never missed.
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "big.bin") { DataStream = new MemoryStream(new byte[4 << 20]) });
        }

        var tgz = dir.File("a.tar.gz");
        using (var gzip = new GZipStream(File.Create(tgz), CompressionLevel.Fastest))
        {
            gzip.Write(tar.GetBuffer().AsSpan(0, 512));
        }

        var refusal = await Extract.RefusedAsync(dir, tgz, ArchiveFormat.TarGzip, Small);

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.TooLarge);
        await Assert.That(refusal.Entry).IsEqualTo("big.bin");
    }

    [Test]
    public async Task a_gzip_expanding_past_the_limit_is_refused_while_it_is_counted()
    {
        using var dir = new TempDir();
        var gz = Gzip(dir.File("dem.tif.gz"), new byte[8 << 20]);

        var refusal = await Extract.RefusedAsync(dir, gz, ArchiveFormat.Gzip, Small with { MaxRatio = 1_000_000 });

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.TooLarge);
        await Assert.That(refusal.Entry).IsEqualTo("dem.tif");
    }

    [Test]
    public async Task a_gzip_past_the_ratio_is_refused()
    {
        using var dir = new TempDir();
        var gz = Gzip(dir.File("dem.tif.gz"), new byte[2 << 20]);

        var refusal = await Extract.RefusedAsync(dir, gz, ArchiveFormat.Gzip, Small);

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.RatioTooHigh);
    }
}
