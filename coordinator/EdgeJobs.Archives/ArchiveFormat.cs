namespace EdgeJobs.Archives;

/// <summary>
/// The archive kinds the BCL reads: ZIP (stored, deflate, deflate64 entries), tar (ustar, pax, GNU, v7),
/// gzip-compressed tar, and a single gzip-compressed file. bzip2, xz, zstd, 7z and rar need libraries outside
/// the BCL and are refused by name.
/// </summary>
public enum ArchiveFormat
{
    Zip,
    Tar,
    TarGzip,

    /// <summary>One compressed file; it extracts to the archive's name without ".gz".</summary>
    Gzip,
}
