using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace EdgeJobs.Agent.Tests.Datasets;

/// <summary>
/// <c>archive-extract</c> in a dataset: each file indexed as if uploaded; an unsafe archive (zip-slip, absolute paths,
/// links, devices, bombs) or a conflict is refused whole and leaves the dataset exactly as it was.
/// </summary>
public sealed class ArchiveExtractTests
{
    [Test]
    public async Task a_zip_and_a_tar_gz_are_extracted_into_the_destination_each_file_indexed()
    {
        await using var h = await DatasetToolHarness.StartAsync();
        var files = new Dictionary<string, byte[]> { ["a.txt"] = Encoding.UTF8.GetBytes("alpha"), ["deep/er/b.bin"] = new byte[70_000] };
        await h.PutAsync("uploads/batch.zip", Zip(files));
        await h.PutAsync("uploads/batch.tar.gz", TarGz(files));

        var zip = await h.RunAsync("archive-extract", """{"source_path":"uploads/batch.zip","dest_path":"extracted"}""");
        var tgz = await h.RunAsync("archive-extract", """{"source_path":"uploads/batch.tar.gz","dest_path":"from-tar/","delete_archive":true}""");

        await Assert.That(zip.Status).IsEqualTo("completed");
        await Assert.That(tgz.Status).IsEqualTo("completed");
        var entries = (await h.EntriesAsync()).ToDictionary(e => e.Path);
        foreach (var prefix in new[] { "extracted/", "from-tar/" })
        {
            foreach (var (path, content) in files)
            {
                await Assert.That(entries[prefix + path].Sha256).IsEqualTo(Convert.ToHexStringLower(SHA256.HashData(content)));
                await Assert.That(await File.ReadAllBytesAsync(Path.Combine(h.Root, prefix + path))).IsEquivalentTo(content, TUnit.Assertions.Enums.CollectionOrdering.Matching);
            }
        }

        await Assert.That(entries.ContainsKey("uploads/batch.zip")).IsTrue();
        await Assert.That(entries.ContainsKey("uploads/batch.tar.gz")).IsFalse();
        await Assert.That(File.Exists(Path.Combine(h.Root, "uploads", "batch.tar.gz"))).IsFalse();
    }

    public static IEnumerable<Func<(string Name, byte[] Archive, string Code)>> UnsafeArchives()
    {
        yield return () => ("zip-slip.zip", Zip(new() { ["../../escape.txt"] = [1] }), "archive_refused");
        yield return () => ("nested-slip.zip", Zip(new() { ["ok/../../../escape.txt"] = [1] }), "archive_refused");
        yield return () => ("absolute.zip", Zip(new() { ["/etc/cron.d/x"] = [1] }), "archive_refused");
        yield return () => ("symlink.tar", Tar(w => w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "link") { LinkName = "/etc/passwd" })), "archive_refused");
        yield return () => ("hardlink.tar", Tar(w => w.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "hard") { LinkName = "../../x" })), "archive_refused");
        yield return () => ("device.tar", Tar(w => w.WriteEntry(new PaxTarEntry(TarEntryType.CharacterDevice, "null") { DeviceMajor = 1, DeviceMinor = 3 })), "archive_refused");
        yield return () => ("bomb.zip", DeflatedZeros("zeros.bin", 600L << 20), "archive_refused");
        // Bombs by ratio (20 MiB of zeros from about 20 KiB, under every size limit) and by count (one entry past the
        // dataset tools' limit, each empty), through a job as a user would send them.
        yield return () => ("ratio-bomb.zip", DeflatedZeros("zeros.bin", 20L << 20), "archive_refused");
        yield return () => ("count-bomb.zip", ManyEmpty(100_001 /* DatasetExtraction.MaxEntries + 1 */), "archive_refused");
        yield return () => ("conflict.zip", Zip(new() { ["existing.txt"] = [9, 9] }), "entry_exists");
    }

    [Test]
    [MethodDataSource(nameof(UnsafeArchives))]
    public async Task an_unsafe_or_conflicting_archive_is_refused_whole_and_changes_nothing(string name, byte[] archive, string code)
    {
        await using var h = await DatasetToolHarness.StartAsync();
        await h.PutAsync("existing.txt", [1]);
        await h.PutAsync("uploads/" + name, archive);
        var before = await StateAsync(h);

        var job = await h.RunAsync("archive-extract", $$"""{"source_path":"uploads/{{name}}","delete_archive":true}""");

        await Assert.That(job.Status).IsEqualTo("failed");
        await Assert.That(job.Error!.Code).IsEqualTo(code);
        await Assert.That(job.Error.Retryable).IsFalse();
        if (name.EndsWith("bomb.zip", StringComparison.Ordinal))
        {
            await Assert.That(job.Error.Message!).Contains(name == "count-bomb.zip" ? "past the limit of 100000" : "past the ratio limit of 200");
        }

        await Assert.That(await StateAsync(h)).IsEqualTo(before);
        await Assert.That(File.Exists(Path.Combine(h.Root, "..", "escape.txt"))).IsFalse();
        var incoming = Path.Combine(h.Server.Coordinator.Options.DataDir, "datasets", ".incoming");
        await Assert.That(Directory.EnumerateDirectories(incoming, "*.extract", SearchOption.AllDirectories).Count()).IsEqualTo(0);
    }

    [Test]
    public async Task overwrite_replaces_existing_entries_and_the_quota_bounds_what_an_archive_may_expand_to()
    {
        await using (var h = await DatasetToolHarness.StartAsync())
        {
            await h.PutAsync("existing.txt", [1]);
            await h.PutAsync("up.zip", Zip(new() { ["existing.txt"] = [7, 7, 7] }));
            var job = await h.RunAsync("archive-extract", """{"source_path":"up.zip","overwrite":true}""");
            await Assert.That(job.Status).IsEqualTo("completed");
            await Assert.That((await h.EntriesAsync()).Single(e => e.Path == "existing.txt").Size).IsEqualTo(3);
        }

        await using (var h = await DatasetToolHarness.StartAsync(byteQuota: 200_000))
        {
            await h.PutAsync("up.zip", Zip(new() { ["big.bin"] = RandomBytes(150_000) }));
            var before = await StateAsync(h);
            var job = await h.RunAsync("archive-extract", """{"source_path":"up.zip"}""");
            await Assert.That(job.Status).IsEqualTo("failed");
            await Assert.That(job.Error!.Code).IsEqualTo("archive_refused");
            await Assert.That(job.Error.Message!).Contains("bytes");
            await Assert.That(await StateAsync(h)).IsEqualTo(before);
        }
    }

    [Test]
    public async Task bad_params_are_refused_at_submit()
    {
        await using var h = await DatasetToolHarness.StartAsync();
        await h.PutAsync("a.zip", Zip(new() { ["x"] = [1] }));
        foreach (var (body, field) in new[]
        {
            ("""{"source_path":"missing.zip"}""", "$.params.source_path"),
            ("""{"source_path":"../a.zip"}""", "$.params.source_path"),
            ("""{"source_path":"a.zip","dest_path":"../out"}""", "$.params.dest_path"),
            ("""{"source_path":"a.zip","dest_path":"/abs"}""", "$.params.dest_path"),
            ("""{"dest_path":"x"}""", "$.params.source_path"),
        })
        {
            using var refused = await h.PostJobAsync($$"""{"tool":"archive-extract","dataset":"default/field","params":{{body}}}""");
            await Assert.That((int)refused.StatusCode).IsEqualTo(400);
            await Assert.That((await Testing.ApiServer.ProblemAsync(refused)).Errors!.Select(e => e.Path)).Contains(field);
        }
    }

    /// <summary>The index and every file under the dataset, as one string.</summary>
    private static async Task<string> StateAsync(DatasetToolHarness h)
    {
        var text = new StringBuilder();
        foreach (var e in await h.EntriesAsync())
        {
            text.Append(e.Path).Append(':').Append(e.Sha256).Append('\n');
        }

        foreach (var file in Directory.EnumerateFileSystemEntries(h.Root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            text.Append(Path.GetRelativePath(h.Root, file)).Append('\n');
        }

        return text.ToString();
    }

    private static byte[] Zip(Dictionary<string, byte[]> files)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(content);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A zip of <paramref name="count"/> empty files.</summary>
    private static byte[] ManyEmpty(int count)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < count; i++)
            {
                zip.CreateEntry($"e/{i}", CompressionLevel.NoCompression);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A small zip that expands to <paramref name="bytes"/> of zeros (about 1000:1).</summary>
    private static byte[] DeflatedZeros(string name, long bytes)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var stream = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (long written = 0; written < bytes; written += zeros.Length)
            {
                stream.Write(zeros);
            }
        }

        return buffer.ToArray();
    }

    private static byte[] TarGz(Dictionary<string, byte[]> files)
    {
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
            }
        }

        return buffer.ToArray();
    }

    private static byte[] Tar(Action<TarWriter> write)
    {
        var buffer = new MemoryStream();
        using (var tar = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "fine.txt") { DataStream = new MemoryStream([1, 2]) });
            write(tar);
        }

        return buffer.ToArray();
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(5).NextBytes(bytes);
        return bytes;
    }
}
