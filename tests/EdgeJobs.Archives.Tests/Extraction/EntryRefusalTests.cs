using System.Formats.Tar;
using EdgeJobs.Archives.Extraction;
using EdgeJobs.Archives.Tests.Support;
using static EdgeJobs.Archives.Tests.Support.TestArchives;

namespace EdgeJobs.Archives.Tests.Extraction;

/// <summary>One archive per rule an entry can break; each is refused and leaves the staging folder empty.</summary>
public class EntryRefusalTests
{
    [Test]
    [Arguments("../evil.txt", ArchiveRule.EscapesDestination)]
    [Arguments("a/../../b.txt", ArchiveRule.EscapesDestination)]
    [Arguments("a\\..\\..\\b.txt", ArchiveRule.EscapesDestination)]
    [Arguments("/etc/x", ArchiveRule.AbsolutePath)]
    [Arguments("C:\\x", ArchiveRule.AbsolutePath)]
    [Arguments("c:/x", ArchiveRule.AbsolutePath)]
    [Arguments("\\\\server\\share\\x", ArchiveRule.AbsolutePath)]
    [Arguments("a\0b.txt", ArchiveRule.ControlCharacter)]
    [Arguments("a\u0001b.txt", ArchiveRule.ControlCharacter)]
    [Arguments("a\u007fb.txt", ArchiveRule.ControlCharacter)]
    [Arguments("a/../b.txt", ArchiveRule.InvalidName)]
    [Arguments("a\\b.txt", ArchiveRule.InvalidName)]
    [Arguments("a//b.txt", ArchiveRule.InvalidName)]
    public async Task a_zip_entry_with_a_bad_name_is_refused(string name, ArchiveRule rule)
    {
        using var dir = new TempDir();
        var zip = Zip(dir.File("a.zip"), ("ok.txt", Bytes("fine")), (name, Bytes("payload")));

        var refusal = await Extract.RefusedAsync(dir, zip, ArchiveFormat.Zip);

        await Assert.That(refusal.Rule).IsEqualTo(rule);
        await Assert.That(refusal.Entry).IsEqualTo(name);
    }

    [Test]
    [Arguments("../evil.txt", ArchiveRule.EscapesDestination)]
    [Arguments("./a/../../b.txt", ArchiveRule.EscapesDestination)]
    [Arguments("/etc/passwd", ArchiveRule.AbsolutePath)]
    [Arguments("a\u001bb.txt", ArchiveRule.ControlCharacter)]
    [Arguments("a\\b.txt", ArchiveRule.InvalidName)]
    public async Task a_tar_entry_with_a_bad_name_is_refused(string name, ArchiveRule rule)
    {
        using var dir = new TempDir();
        var tar = Tar(dir.File("a.tar"), w =>
        {
            w.AddFile("ok.txt", Bytes("fine"));
            w.AddFile(name, Bytes("payload"));
        });

        var refusal = await Extract.RefusedAsync(dir, tar, ArchiveFormat.Tar);

        await Assert.That(refusal.Rule).IsEqualTo(rule);
    }

    [Test]
    public async Task a_name_with_a_segment_longer_than_255_bytes_is_refused()
    {
        using var dir = new TempDir();
        var zip = Zip(dir.File("a.zip"), (new string('x', 256) + ".tif", Bytes("x")));

        var refusal = await Extract.RefusedAsync(dir, zip, ArchiveFormat.Zip);

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.InvalidName);
        await Assert.That(refusal.Reason).Contains("255 bytes");
    }

    [Test]
    public async Task a_name_too_long_under_the_destination_is_refused()
    {
        using var dir = new TempDir();
        // 1,019 bytes: a valid dataset path on its own, 1,029 under "extracted/".
        var name = string.Join('/', Enumerable.Repeat(new string('d', 200), 5)) + "/abcdefghij.tif";
        var zip = Zip(dir.File("a.zip"), (name, Bytes("x")));

        var atRoot = await ArchiveInspector.InspectAsync(zip, ArchiveFormat.Zip, "", Extract.Generous);
        var inspection = await ArchiveInspector.InspectAsync(zip, ArchiveFormat.Zip, "extracted/", Extract.Generous);

        await Assert.That(atRoot.Ok).IsTrue();
        await Assert.That(inspection.Refusal!.Rule).IsEqualTo(ArchiveRule.InvalidName);
        await Assert.That(inspection.Refusal.Reason).Contains("1024 bytes");
    }

    [Test]
    [Arguments("b.txt")]
    [Arguments("../../etc/passwd")]
    [Arguments("/etc/passwd")]
    public async Task every_tar_symlink_is_refused_wherever_it_points(string target)
    {
        using var dir = new TempDir();
        var tar = Tar(dir.File("a.tar"), w =>
        {
            w.AddFile("b.txt", Bytes("b"));
            w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "link") { LinkName = target });
        });

        var refusal = await Extract.RefusedAsync(dir, tar, ArchiveFormat.Tar);

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.Link);
        await Assert.That(refusal.Entry).IsEqualTo("link");
    }

    [Test]
    public async Task a_tar_hard_link_is_refused()
    {
        using var dir = new TempDir();
        var tar = Tar(dir.File("a.tar.gz"), w =>
        {
            w.AddFile("b.txt", Bytes("b"));
            w.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "hard") { LinkName = "b.txt" });
        });

        var refusal = await Extract.RefusedAsync(dir, tar, ArchiveFormat.TarGzip);

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.Link);
        await Assert.That(refusal.Reason).Contains("hard link");
    }

    [Test]
    [Arguments(TarEntryType.CharacterDevice)]
    [Arguments(TarEntryType.BlockDevice)]
    [Arguments(TarEntryType.Fifo)]
    public async Task a_tar_device_or_fifo_is_refused(TarEntryType type)
    {
        using var dir = new TempDir();
        var tar = Tar(dir.File("a.tar"), w => w.WriteEntry(new PaxTarEntry(type, "dev/thing")));

        var refusal = await Extract.RefusedAsync(dir, tar, ArchiveFormat.Tar);

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.SpecialFile);
    }

    [Test]
    [Arguments(0xA1FFu, ArchiveRule.Link)]
    [Arguments(0x11B6u, ArchiveRule.SpecialFile)]
    [Arguments(0x21B6u, ArchiveRule.SpecialFile)]
    public async Task a_zip_entry_whose_unix_mode_is_a_link_or_device_is_refused(uint mode, ArchiveRule rule)
    {
        using var dir = new TempDir();
        var zip = Zip(dir.File("a.zip"), z =>
        {
            var entry = z.CreateEntry("link");
            entry.ExternalAttributes = unchecked((int)(mode << 16));
            using var s = entry.Open();
            s.Write(Bytes("../../etc/passwd"));
        });

        var refusal = await Extract.RefusedAsync(dir, zip, ArchiveFormat.Zip);

        await Assert.That(refusal.Rule).IsEqualTo(rule);
    }

    [Test]
    public async Task a_zip_entry_compressed_with_a_method_the_bcl_lacks_is_refused_before_extraction()
    {
        using var dir = new TempDir();
        var zip = Zip(dir.File("a.zip"), ("ok.txt", Bytes("fine")), ("lzma.bin", Bytes("pretend this is LZMA")));

        // Method 14 (LZMA) in the local header and the central-directory record.
        var bytes = await File.ReadAllBytesAsync(zip);
        for (var i = 0; i + 4 < bytes.Length; i++)
        {
            var signature = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i));
            var nameAt = signature == 0x04034b50 ? i + 30 : signature == 0x02014b50 ? i + 46 : -1;
            if (nameAt > 0 && bytes.AsSpan(nameAt).StartsWith("lzma.bin"u8))
            {
                bytes[signature == 0x04034b50 ? i + 8 : i + 10] = 14;
            }
        }

        await File.WriteAllBytesAsync(zip, bytes);

        var refusal = await Extract.RefusedAsync(dir, zip, ArchiveFormat.Zip);

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.UnsupportedEntry);
        await Assert.That(refusal.Entry).IsEqualTo("lzma.bin");
    }

    [Test]
    public async Task a_gnu_sparse_file_in_pax_records_is_refused()
    {
        using var dir = new TempDir();
        var attributes = new Dictionary<string, string> { ["GNU.sparse.major"] = "1", ["GNU.sparse.minor"] = "0", ["GNU.sparse.realsize"] = "1000000000" };
        var tar = Tar(dir.File("a.tar"), w => w.WriteEntry(
            new PaxTarEntry(TarEntryType.RegularFile, "GNUSparseFile.0/disk.img", attributes) { DataStream = new MemoryStream(Bytes("1\n0\n4\ndata")) }));

        var refusal = await Extract.RefusedAsync(dir, tar, ArchiveFormat.Tar);

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.UnsupportedEntry);
    }

    [Test]
    public async Task two_zip_entries_for_one_path_are_refused()
    {
        using var dir = new TempDir();
        var zip = Zip(dir.File("a.zip"), ("a/b.txt", Bytes("1")), ("a/b.txt", Bytes("2")));

        var refusal = await Extract.RefusedAsync(dir, zip, ArchiveFormat.Zip);

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.Duplicate);
    }

    [Test]
    public async Task two_tar_entries_that_normalise_to_one_path_are_refused()
    {
        using var dir = new TempDir();
        var tar = Tar(dir.File("a.tar"), w =>
        {
            w.AddFile("./a/b.txt", Bytes("1"));
            w.AddFile("a/./b.txt", Bytes("2"));
        });

        var refusal = await Extract.RefusedAsync(dir, tar, ArchiveFormat.Tar);

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.Duplicate);
    }

    [Test]
    [Arguments("a", "a/b.txt")]
    [Arguments("a/b.txt", "a")]
    [Arguments("a/", "a")]
    public async Task a_path_that_is_both_a_file_and_a_folder_is_refused(string first, string second)
    {
        using var dir = new TempDir();
        var zip = Zip(dir.File("a.zip"), (first, first.EndsWith('/') ? null : Bytes("1")), (second, Bytes("2")));

        var refusal = await Extract.RefusedAsync(dir, zip, ArchiveFormat.Zip);

        await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.Duplicate);
        await Assert.That(refusal.Reason).Contains("both a file and a folder");
    }

    [Test]
    public async Task an_unsupported_format_name_is_not_given_a_format()
    {
        await Assert.That(ArchiveFormats.FromName("scene.tar.zst")).IsNull();
        await Assert.That(ArchiveFormats.FromName("scene.7z")).IsNull();
        await Assert.That(ArchiveFormats.FromName("scene.tar.bz2")).IsNull();
        await Assert.That(ArchiveFormats.FromName("scene.TGZ")).IsEqualTo(ArchiveFormat.TarGzip);
        await Assert.That(ArchiveFormats.FromName("scene.tar.gz")).IsEqualTo(ArchiveFormat.TarGzip);
        await Assert.That(ArchiveFormats.FromName("dem.tif.gz")).IsEqualTo(ArchiveFormat.Gzip);
        await Assert.That(ArchiveFormats.FromName("a.zip")).IsEqualTo(ArchiveFormat.Zip);
    }

    [Test]
    public async Task an_archive_named_in_a_format_the_bcl_cannot_read_is_refused_by_name()
    {
        using var dir = new TempDir();
        var path = dir.File("scene.tar.zst");
        await File.WriteAllBytesAsync(path, [0x28, 0xB5, 0x2F, 0xFD]);

        var inspection = await ArchiveInspector.InspectAsync(path, "", Extract.Generous);

        await Assert.That(inspection.Refusal!.Rule).IsEqualTo(ArchiveRule.UnsupportedFormat);
    }

    [Test]
    public async Task a_file_that_is_not_the_named_format_is_refused_as_corrupt()
    {
        using var dir = new TempDir();
        var path = dir.File("a.zip");
        await File.WriteAllTextAsync(path, "this is not a zip file at all, just text long enough to scan");

        foreach (var format in new[] { ArchiveFormat.Zip, ArchiveFormat.Tar, ArchiveFormat.TarGzip, ArchiveFormat.Gzip })
        {
            var refusal = await Extract.RefusedAsync(dir, path, format);
            await Assert.That(refusal.Rule).IsEqualTo(ArchiveRule.Corrupt);
        }
    }
}
