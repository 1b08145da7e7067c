using EdgeJobs.Archives.Tests.Support;
using EdgeJobs.Archives.Writing;

namespace EdgeJobs.Archives.Tests.Writing;

/// <summary>
/// An entry past 4 GB, written to a forward-only stream: 4.3 GB of generated zeros into a sparse file (holes,
/// not disk), then read back by bsdtar from a pipe, unzip and zipfile, which read and check every byte.
/// </summary>
[Category("slow")]
public class Zip64EntryTests
{
    private const long BigSize = (1L << 32) + 300_000_000;

    [Test]
    [NotInParallel("big-zip")]
    public async Task an_entry_past_4_GB_and_the_entry_after_it_get_zip64_records()
    {
        using var dir = new TempDir();
        var zip = dir.File("big.zip");
        var time = new DateTimeOffset(2026, 6, 13, 10, 0, 0, TimeSpan.Zero);
        var thread = Environment.CurrentManagedThreadId;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        ZipSource[] sources =
        [
            new ZipSource("big.bin", BigSize, _ => ValueTask.FromResult<Stream>(new GeneratedStream(BigSize, noise: false)), time),
            new ZipSource("after.txt", 5, _ => ValueTask.FromResult<Stream>(new MemoryStream("after"u8.ToArray())), time),
        ];
        await using (var output = new ForwardOnlyStream(File.Create(zip), sparse: true))
        {
            await ZipStreamWriter.WriteAsync(output, sources);
        }

        // Only this thread's count is read: if an await resumed on another thread, before and after are two threads'
        // counters and say nothing (the bounded-memory check is then ZipStreamWriterTests' alone).
        var allocated = Environment.CurrentManagedThreadId == thread ? GC.GetAllocatedBytesForCurrentThread() - allocatedBefore : 0;

        await Assert.That(ZipStreamWriter.PredictLength(sources)).IsEqualTo(new FileInfo(zip).Length);
        var layout = ZipLayout.Read(zip);
        var big = layout.Entries[0];
        var after = layout.Entries[1];
        await Assert.That(big.Size).IsEqualTo(BigSize);
        await Assert.That(big.CompressedSize).IsEqualTo(BigSize);
        await Assert.That(big.Size32).IsEqualTo(uint.MaxValue);
        await Assert.That(big.VersionNeeded).IsEqualTo((ushort)45);
        var local = ZipLayout.ReadLocal(zip, big.Offset);
        await Assert.That(local.HasZip64Extra).IsTrue();
        await Assert.That(local.VersionNeeded).IsEqualTo((ushort)45);

        // The small entry after it keeps 32-bit sizes but needs a 64-bit offset.
        await Assert.That(after.Offset).IsGreaterThan(uint.MaxValue);
        await Assert.That(after.Offset32).IsEqualTo(uint.MaxValue);
        await Assert.That(after.Size32).IsEqualTo(5u);
        await Assert.That(ZipLayout.ReadLocal(zip, after.Offset).HasZip64Extra).IsFalse();
        await Assert.That(layout.HasZip64End).IsTrue();
        await Assert.That(allocated).IsLessThan(16L << 20);

        var streaming = await IndependentReaders.StreamingExtractAsync(zip);
        await Assert.That(streaming.ExitCode).IsEqualTo(0).Because(streaming.Output);
        await Assert.That(streaming.Bytes).IsEqualTo(BigSize + 5);
        var unzip = await IndependentReaders.UnzipTestAsync(zip);
        await Assert.That(unzip.ExitCode).IsEqualTo(0).Because(unzip.Output);
        var python = await IndependentReaders.PythonTestAsync(zip);
        await Assert.That(python.Ok).IsTrue().Because(python.Output);
    }
}
