using EdgeJobs.Archives.Extraction;

namespace EdgeJobs.Archives.Tests.Support;

/// <summary>Inspect then extract, the way archive-extract will, into a "staging" folder of a temp dir.</summary>
public static class Extract
{
    public static readonly ArchiveLimits Generous = new(MaxEntries: 100_000, MaxExpandedBytes: 1L << 32, MaxRatio: 100);

    public static async Task<ExtractionResult> RunAsync(
        TempDir dir, string archive, ArchiveFormat format, ArchiveLimits? limits = null, ExtractionOptions? options = null, string destination = "")
    {
        var inspection = await ArchiveInspector.InspectAsync(archive, format, destination, limits ?? Generous);
        if (!inspection.Ok)
        {
            return inspection.Refusal;
        }

        return await ArchiveExtractor.ExtractAsync(inspection.Plan, Staging(dir), options ?? new ExtractionOptions());
    }

    /// <summary>Runs both stages, expects a refusal from one of them, and checks nothing was left in staging.</summary>
    public static async Task<ArchiveRefusal> RefusedAsync(TempDir dir, string archive, ArchiveFormat format, ArchiveLimits? limits = null)
    {
        var result = await RunAsync(dir, archive, format, limits);
        await Assert.That(result.Ok).IsFalse();
        await Assert.That(StagedEntries(dir)).IsEmpty();
        return result.Refusal!;
    }

    public static string Staging(TempDir dir) => dir.Folder("staging");

    public static string[] StagedEntries(TempDir dir) =>
        Directory.EnumerateFileSystemEntries(Staging(dir), "*", SearchOption.AllDirectories).ToArray();
}
