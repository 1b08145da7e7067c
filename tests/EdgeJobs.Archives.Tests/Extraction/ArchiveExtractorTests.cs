using System.Security.Cryptography;
using EdgeJobs.Archives.Extraction;
using EdgeJobs.Archives.Tests.Support;
using static EdgeJobs.Archives.Tests.Support.TestArchives;

namespace EdgeJobs.Archives.Tests.Extraction;

/// <summary>Archives that pass inspection: what is staged, with what hashes, and what a conflict or a cancel leaves.</summary>
public class ArchiveExtractorTests
{
    private static readonly byte[] s_ortho = RandomNumberGenerator.GetBytes(300_000);
    private static readonly byte[] s_readme = Bytes("a survey\n");

    private static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static string Nested(TempDir dir, ArchiveFormat format) => format switch
    {
        ArchiveFormat.Zip => Zip(dir.File("a.zip"),
            ("scenes/", null), ("scenes/2025/ortho.tif", s_ortho), ("README.txt", s_readme), ("scenes/2025/empty.txt", [])),
        _ => Tar(dir.File(format == ArchiveFormat.Tar ? "a.tar" : "a.tar.gz"), w =>
        {
            w.AddFolder("./");
            w.AddFolder("./scenes/");
            w.AddFile("./scenes/2025/ortho.tif", s_ortho);
            w.AddFile("./README.txt", s_readme);
            w.AddFile("./scenes/2025/empty.txt", []);
        }),
    };

    [Test]
    [Arguments(ArchiveFormat.Zip)]
    [Arguments(ArchiveFormat.Tar)]
    [Arguments(ArchiveFormat.TarGzip)]
    public async Task nested_folders_are_staged_under_the_destination_with_their_sha256(ArchiveFormat format)
    {
        using var dir = new TempDir();
        var archive = Nested(dir, format);

        var result = await Extract.RunAsync(dir, archive, format, destination: "extracted");

        await Assert.That(result.Refusal).IsNull();
        var files = result.Files!.OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => $"{f.Path} {f.Size} {f.Sha256}").ToArray();
        await Assert.That(files).IsEquivalentTo(new[]
        {
            $"extracted/README.txt {s_readme.Length} {Sha256(s_readme)}",
            $"extracted/scenes/2025/empty.txt 0 {Sha256([])}",
            $"extracted/scenes/2025/ortho.tif {s_ortho.Length} {Sha256(s_ortho)}",
        }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        var staged = Path.Combine(Extract.Staging(dir), "extracted/scenes/2025/ortho.tif");
        await Assert.That(await File.ReadAllBytesAsync(staged)).IsEquivalentTo(s_ortho, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task a_gzip_file_is_staged_under_its_name_without_gz()
    {
        using var dir = new TempDir();
        var gz = Gzip(dir.File("dem.tif.gz"), s_ortho);

        var result = await Extract.RunAsync(dir, gz, ArchiveFormat.Gzip, destination: "rasters/");

        await Assert.That(result.Files!.Single()).IsEqualTo(new StagedFile("rasters/dem.tif", s_ortho.Length, Sha256(s_ortho)));
    }

    [Test]
    public async Task progress_reaches_the_total_and_never_goes_back()
    {
        using var dir = new TempDir();
        var archive = Nested(dir, ArchiveFormat.Zip);
        var seen = new List<(long Done, long Total)>();

        var result = await Extract.RunAsync(dir, archive, ArchiveFormat.Zip, options: new ExtractionOptions { Progress = (d, t) => seen.Add((d, t)) });

        await Assert.That(result.Ok).IsTrue();
        var total = s_ortho.Length + s_readme.Length;
        await Assert.That(seen[^1]).IsEqualTo((total, (long)total));
        await Assert.That(seen.Zip(seen.Skip(1)).All(p => p.First.Done <= p.Second.Done)).IsTrue();
    }

    [Test]
    public async Task an_existing_path_is_a_conflict_unless_overwrite_is_asked()
    {
        using var dir = new TempDir();
        var archive = Nested(dir, ArchiveFormat.Zip);
        bool Exists(string path) => path == "README.txt";

        var refused = await Extract.RunAsync(dir, archive, ArchiveFormat.Zip, options: new ExtractionOptions { ExistsAtDestination = Exists });
        await Assert.That(refused.Refusal!.Rule).IsEqualTo(ArchiveRule.Conflict);
        await Assert.That(Extract.StagedEntries(dir)).IsEmpty();

        var overwritten = await Extract.RunAsync(dir, archive, ArchiveFormat.Zip,
            options: new ExtractionOptions { ExistsAtDestination = Exists, Overwrite = true });
        await Assert.That(overwritten.Files!.Count).IsEqualTo(3);
    }

    [Test]
    public async Task a_file_where_the_archive_needs_a_folder_is_a_conflict_even_with_overwrite()
    {
        using var dir = new TempDir();
        var archive = Nested(dir, ArchiveFormat.Tar);

        var result = await Extract.RunAsync(dir, archive, ArchiveFormat.Tar,
            options: new ExtractionOptions { ExistsAtDestination = p => p == "scenes/2025", Overwrite = true });

        await Assert.That(result.Refusal!.Rule).IsEqualTo(ArchiveRule.Conflict);
        await Assert.That(result.Refusal.Reason).Contains("'scenes/2025'");
        await Assert.That(Extract.StagedEntries(dir)).IsEmpty();
    }

    [Test]
    public async Task a_cancel_part_way_removes_what_was_staged_and_leaves_what_was_there()
    {
        using var dir = new TempDir();
        var archive = Zip(dir.File("a.zip"), ("one/a.bin", s_ortho), ("two/b.bin", s_ortho));
        var staging = Extract.Staging(dir);
        await File.WriteAllTextAsync(Path.Combine(staging, "already-here.txt"), "the caller's");
        using var cancel = new CancellationTokenSource();
        var inspection = await ArchiveInspector.InspectAsync(archive, ArchiveFormat.Zip, "", Extract.Generous);

        // Cancelled once the first file is done and the second is started.
        var options = new ExtractionOptions { Progress = (done, _) => { if (done > s_ortho.Length) cancel.Cancel(); } };
        await Assert.That(async () => await ArchiveExtractor.ExtractAsync(inspection.Plan!, staging, options, cancel.Token))
            .Throws<OperationCanceledException>();

        await Assert.That(Extract.StagedEntries(dir)).IsEquivalentTo(new[] { Path.Combine(staging, "already-here.txt") }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task an_archive_replaced_after_inspection_is_refused_entry_by_entry()
    {
        using var dir = new TempDir();
        var path = Tar(dir.File("a.tar"), w => w.AddFile("a.txt", Bytes("hello")));
        var inspection = await ArchiveInspector.InspectAsync(path, ArchiveFormat.Tar, "", Extract.Generous);
        var written = File.GetLastWriteTimeUtc(path);

        // Same length, same write time, another name inside: only the second pass's own checks can tell.
        Tar(path, w => w.AddFile("b.txt", Bytes("hello")));
        File.SetLastWriteTimeUtc(path, written);
        var result = await ArchiveExtractor.ExtractAsync(inspection.Plan!, Extract.Staging(dir), new ExtractionOptions());

        await Assert.That(result.Refusal!.Rule).IsEqualTo(ArchiveRule.Changed);
        await Assert.That(Extract.StagedEntries(dir)).IsEmpty();
    }

    [Test]
    public async Task an_empty_archive_stages_nothing_and_succeeds()
    {
        using var dir = new TempDir();
        var zip = Zip(dir.File("a.zip"));

        var result = await Extract.RunAsync(dir, zip, ArchiveFormat.Zip);

        await Assert.That(result.Files!).IsEmpty();
    }
}
