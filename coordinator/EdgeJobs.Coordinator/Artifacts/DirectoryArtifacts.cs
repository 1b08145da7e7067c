using EdgeJobs.Archives;
using EdgeJobs.Archives.Extraction;

namespace EdgeJobs.Coordinator.Artifacts;

/// <summary>
/// A directory output as its agent hands it over (an exec tool's <c>outputs.type</c> "directory", zipped), unpacked where it
/// is to land: a recipe's outputs in the data root (Recipes/RecipeOutputs) or in a dataset (Datasets/DatasetOutputs).
/// </summary>
internal static class DirectoryArtifacts
{
    /// <summary>Disk left free after an unpacking, whatever else allows.</summary>
    public const long DiskReserve = 1L << 30;

    /// <summary>
    /// Unpacks <paramref name="zip"/> into <paramref name="into"/> (its files under <paramref name="prefix"/>), refused whole
    /// before anything is written by the archive rules: nothing escapes, no links or devices, at most
    /// <paramref name="maxEntries"/> entries and what the disk of <paramref name="diskOf"/> holds less the reserve. No ratio
    /// limit: the agent zipped what the program wrote, and a program may write zeros.
    /// </summary>
    public static async Task<ExtractionResult> UnpackAsync(string zip, string into, string prefix, int maxEntries, string diskOf)
    {
        var room = Math.Max(0, new DriveInfo(diskOf).AvailableFreeSpace - DiskReserve);
        var inspected = await ArchiveInspector.InspectAsync(zip, ArchiveFormat.Zip, prefix, new ArchiveLimits(maxEntries, room, double.PositiveInfinity)).ConfigureAwait(false);
        if (inspected.Refusal is { } refusal)
        {
            return new ExtractionResult(null, refusal);
        }

        Directory.CreateDirectory(into);
        return await ArchiveExtractor.ExtractAsync(inspected.Plan!, into, new ExtractionOptions { Overwrite = true, ExistsAtDestination = _ => false }).ConfigureAwait(false);
    }

    /// <summary>Deletes a folder and everything in it, if it is there.</summary>
    public static void DeleteTree(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
