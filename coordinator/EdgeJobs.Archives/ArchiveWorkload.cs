using EdgeJobs.Archives.Extraction;
using EdgeJobs.Archives.Writing;

namespace EdgeJobs.Archives;

/// <summary>
/// Synthetic runs of the two archive paths for the benchmark project (and the tests that keep them working):
/// the numbers to watch are bytes per second and allocated bytes, which must not grow with the entry size.
/// </summary>
public static class ArchiveWorkload
{
    /// <summary>Streams a ZIP of <paramref name="entryCount"/> generated entries to <paramref name="output"/>; returns its length.</summary>
    /// <param name="compressible">Zeros (deflate's best case) or noise (its worst, and what rasters look like).</param>
    public static Task<long> WriteZipAsync(
        Stream output, int entryCount, long entrySize, bool deflate = false, bool compressible = false, CancellationToken cancellationToken = default) =>
        ZipStreamWriter.WriteAsync(output, Sources(entryCount, entrySize, deflate, compressible), cancellationToken);

    /// <summary>
    /// Writes a ZIP of generated entries into <paramref name="workDirectory"/>, inspects it and extracts it into
    /// "staging" there: the whole archive-extract path short of indexing. Returns what was staged.
    /// </summary>
    public static async Task<ExtractionResult> ExtractZipAsync(
        string workDirectory, int entryCount, long entrySize, bool deflate = true, CancellationToken cancellationToken = default)
    {
        var archive = Path.Combine(workDirectory, "workload.zip");
        await using (var file = File.Create(archive))
        {
            await WriteZipAsync(file, entryCount, entrySize, deflate, compressible: false, cancellationToken).ConfigureAwait(false);
        }

        var limits = new ArchiveLimits(entryCount, entryCount * entrySize, MaxRatio: 1000);
        var inspection = await ArchiveInspector.InspectAsync(archive, ArchiveFormat.Zip, "", limits, cancellationToken).ConfigureAwait(false);
        if (!inspection.Ok)
        {
            return inspection.Refusal;
        }

        var staging = Directory.CreateDirectory(Path.Combine(workDirectory, "staging")).FullName;
        return await ArchiveExtractor.ExtractAsync(inspection.Plan, staging, new ExtractionOptions(), cancellationToken).ConfigureAwait(false);
    }

    internal static IEnumerable<ZipSource> Sources(int entryCount, long entrySize, bool deflate, bool compressible)
    {
        var time = new DateTimeOffset(2026, 6, 13, 10, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < entryCount; i++)
        {
            yield return new ZipSource($"scenes/{i / 1000:D4}/tile-{i:D6}.tif", entrySize,
                _ => ValueTask.FromResult<Stream>(new GeneratedStream(entrySize, noise: !compressible)), time)
            {
                Deflate = deflate,
            };
        }
    }
}
