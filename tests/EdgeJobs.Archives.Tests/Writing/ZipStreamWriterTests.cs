using System.IO.Compression;
using System.Security.Cryptography;
using EdgeJobs.Archives.Tests.Support;
using EdgeJobs.Archives.Writing;

namespace EdgeJobs.Archives.Tests.Writing;

/// <summary>The bulk-download writer's output on a forward-only stream, read back by readers that are not ours.</summary>
public class ZipStreamWriterTests
{
    private static readonly DateTimeOffset s_time = new(2026, 6, 13, 10, 0, 4, TimeSpan.Zero);

    private static ZipSource Source(string name, byte[] data, bool deflate = false) =>
        new(name, data.Length, _ => ValueTask.FromResult<Stream>(new MemoryStream(data)), s_time) { Deflate = deflate };

    private static async Task<string> WriteAsync(TempDir dir, IEnumerable<ZipSource> sources, string name = "out.zip")
    {
        var path = dir.File(name);
        await using var output = new ForwardOnlyStream(File.Create(path));
        var length = await ZipStreamWriter.WriteAsync(output, sources);
        await output.DisposeAsync();
        await Assert.That(new FileInfo(path).Length).IsEqualTo(length);
        return path;
    }

    private static async Task AssertIndependentReadersAcceptAsync(string zip, long? expectedBytes = null)
    {
        var streaming = await IndependentReaders.StreamingExtractAsync(zip);
        await Assert.That(streaming.ExitCode).IsEqualTo(0).Because(streaming.Output);
        if (expectedBytes is { } bytes)
        {
            await Assert.That(streaming.Bytes).IsEqualTo(bytes);
        }

        var unzip = await IndependentReaders.UnzipTestAsync(zip);
        await Assert.That(unzip.ExitCode).IsEqualTo(0).Because(unzip.Output);
        var python = await IndependentReaders.PythonTestAsync(zip);
        await Assert.That(python.Ok).IsTrue().Because(python.Output);
    }

    [Test]
    public async Task stored_and_deflated_entries_read_back_the_same_everywhere()
    {
        using var dir = new TempDir();
        var ortho = RandomNumberGenerator.GetBytes(1 << 20);
        var text = TestArchives.Bytes(string.Concat(Enumerable.Repeat("band 1 of 4, ", 5000)));
        var zip = await WriteAsync(dir,
        [
            Source("scenes/2025/ortho.tif", ortho),
            Source("notes/readme.md", text, deflate: true),
            Source("empty.txt", []),
            Source("noms/été/ü.txt", TestArchives.Bytes("unicode")),
        ]);

        await AssertIndependentReadersAcceptAsync(zip, ortho.Length + text.Length + 7);
        using var read = ZipFile.OpenRead(zip);
        await Assert.That(read.Entries.Select(e => e.FullName)).IsEquivalentTo(new[] { "scenes/2025/ortho.tif", "notes/readme.md", "empty.txt", "noms/été/ü.txt" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        using var copy = new MemoryStream();
        using (var s = read.GetEntry("scenes/2025/ortho.tif")!.Open())
        {
            s.CopyTo(copy);
        }

        await Assert.That(copy.ToArray()).IsEquivalentTo(ortho, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(read.GetEntry("notes/readme.md")!.CompressedLength).IsLessThan(text.Length / 10);
        // DOS time has no zone: the writer stores UTC's wall clock, and the reader gives it back as local.
        await Assert.That(read.GetEntry("empty.txt")!.LastWriteTime.DateTime).IsEqualTo(s_time.UtcDateTime);
    }

    [Test]
    public async Task its_output_passes_archive_extract_with_the_same_sha256()
    {
        using var dir = new TempDir();
        var ortho = RandomNumberGenerator.GetBytes(200_000);
        var zip = await WriteAsync(dir, [Source("a/ortho.tif", ortho), Source("a/b/notes.txt", TestArchives.Bytes("n"), deflate: true)]);

        var result = await Extract.RunAsync(dir, zip, ArchiveFormat.Zip);

        await Assert.That(result.Files!.Single(f => f.Path == "a/ortho.tif").Sha256).IsEqualTo(Convert.ToHexStringLower(SHA256.HashData(ortho)));
    }

    [Test]
    public async Task ten_thousand_small_entries_stay_classic_zip()
    {
        using var dir = new TempDir();
        var zip = dir.File("many.zip");
        await using (var output = new ForwardOnlyStream(File.Create(zip)))
        {
            await ArchiveWorkload.WriteZipAsync(output, 10_000, 100);
        }

        await AssertIndependentReadersAcceptAsync(zip, 10_000 * 100);
        var layout = ZipLayout.Read(zip);
        await Assert.That(layout.HasZip64End).IsFalse();
        await Assert.That(layout.Count).IsEqualTo(10_000);
    }

    [Test]
    public async Task more_than_65535_entries_get_the_zip64_end_records()
    {
        using var dir = new TempDir();
        var zip = dir.File("very-many.zip");
        await using (var output = new ForwardOnlyStream(File.Create(zip)))
        {
            await ArchiveWorkload.WriteZipAsync(output, 70_000, 1);
        }

        await AssertIndependentReadersAcceptAsync(zip);
        var layout = ZipLayout.Read(zip);
        await Assert.That(layout.HasZip64End).IsTrue();
        await Assert.That(layout.ClassicCount).IsEqualTo(ushort.MaxValue);
        await Assert.That(layout.Count).IsEqualTo(70_000);
        using var read = ZipFile.OpenRead(zip);
        await Assert.That(read.Entries.Count).IsEqualTo(70_000);
    }

    [Test]
    [Arguments(0, 0L)]
    [Arguments(3, 1000L)]
    [Arguments(10_000, 100L)]
    [Arguments(70_000, 1L)]
    public async Task the_predicted_length_of_a_stored_archive_is_its_length(int count, long size)
    {
        var sources = ArchiveWorkload.Sources(count, size, deflate: false, compressible: true).ToList();

        var written = await ZipStreamWriter.WriteAsync(Stream.Null, sources);

        await Assert.That(ZipStreamWriter.PredictLength(sources)).IsEqualTo(written);
    }

    [Test]
    public async Task no_length_is_predicted_for_deflated_entries()
    {
        await Assert.That(ZipStreamWriter.PredictLength(ArchiveWorkload.Sources(2, 10, deflate: true, compressible: true))).IsNull();
    }

    [Test]
    [Arguments(0xFFFF_FFFEL, false, false)]
    [Arguments(0xFFFF_FFFFL, false, true)]
    [Arguments(0xFFE0_0000L, false, false)]
    [Arguments(0xFFE0_0000L, true, true)]
    [Arguments(0xFFDF_0000L, true, false)]
    public async Task zip64_is_decided_from_the_declared_size_with_room_for_deflate(long size, bool deflate, bool zip64)
    {
        await Assert.That(ZipStreamWriter.NeedsZip64(size, deflate)).IsEqualTo(zip64);
    }

    [Test]
    [Arguments(99L)]
    [Arguments(101L)]
    public async Task a_source_yielding_other_than_its_declared_size_fails_the_archive(long declared)
    {
        await using var writer = new ZipStreamWriter(Stream.Null);
        var data = new byte[100];
        var source = new ZipSource("a.bin", declared, _ => ValueTask.FromResult<Stream>(new MemoryStream(data)), s_time);

        await Assert.That(async () => await writer.AddAsync(source)).Throws<InvalidDataException>();
        await Assert.That(async () => await writer.FinishAsync()).Throws<InvalidOperationException>();
    }

    [Test]
    [Arguments("../a.txt")]
    [Arguments("/etc/passwd")]
    [Arguments("a\\b.txt")]
    [Arguments("a\0b")]
    public async Task a_name_a_dataset_could_not_hold_is_refused(string name)
    {
        await using var writer = new ZipStreamWriter(Stream.Null);

        await Assert.That(async () => await writer.AddAsync(Source(name, [1]))).Throws<ArgumentException>();
    }

    [Test]
    public async Task a_name_given_twice_is_refused()
    {
        await using var writer = new ZipStreamWriter(Stream.Null);
        await writer.AddAsync(Source("a.txt", [1]));

        await Assert.That(async () => await writer.AddAsync(Source("a.txt", [2]))).Throws<ArgumentException>();
    }

    [Test]
    public async Task writing_64_MB_allocates_about_the_same_as_writing_1_MB()
    {
        // A per-thread count is only the writer's if the awaits completed on this thread (they do over Stream.Null
        // and generated sources); if one resumed elsewhere, before and after are two threads' counters, so measure again.
        async Task<long> AllocatedAsync(long size)
        {
            for (var attempt = 0; ; attempt++)
            {
                var thread = Environment.CurrentManagedThreadId;
                var before = GC.GetAllocatedBytesForCurrentThread();
                await ArchiveWorkload.WriteZipAsync(Stream.Null, 4, size, deflate: true);
                var after = GC.GetAllocatedBytesForCurrentThread();
                if (Environment.CurrentManagedThreadId == thread || attempt == 20)
                {
                    return after - before;
                }
            }
        }

        // Warm-up at both sizes: pools, JIT tiers and on-stack replacement of the copy loop.
        await AllocatedAsync(1 << 18);
        await AllocatedAsync(16 << 20);
        var small = await AllocatedAsync(1 << 18);
        var large = await AllocatedAsync(16 << 20);

        // Per thread: every await below completes synchronously (Stream.Null, generated sources), so this is the writer's.
        await Assert.That(large - small).IsLessThan(4L << 20);
    }
}
