namespace EdgeJobs.Archives;

/// <summary>Which <see cref="ArchiveFormat"/> a dataset path names, by its extension.</summary>
public static class ArchiveFormats
{
    /// <returns>Null when the BCL cannot read the format (".tar.zst", ".7z", ...).</returns>
    public static ArchiveFormat? FromName(string path)
    {
        // Two-part extensions first: "scene.tar.gz" is a tar, not one gzip-compressed file.
        if (path.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase))
        {
            return ArchiveFormat.TarGzip;
        }

        if (path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            return ArchiveFormat.Zip;
        }

        if (path.EndsWith(".tar", StringComparison.OrdinalIgnoreCase))
        {
            return ArchiveFormat.Tar;
        }

        // A ".tar.bz2" or ".tar.zst" ends in neither, so it falls through to null with the other unknowns.
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) && path.Length > 3)
        {
            return ArchiveFormat.Gzip;
        }

        return null;
    }
}
