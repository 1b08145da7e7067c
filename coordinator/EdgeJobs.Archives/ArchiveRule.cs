namespace EdgeJobs.Archives;

/// <summary>
/// Why an archive is refused; the entry it names, if any, is in <see cref="ArchiveRefusal"/>. The numbers are
/// frozen (ArchiveRuleStabilityTests): a rule may reach a job's error and a client's switch.
/// </summary>
public enum ArchiveRule
{
    /// <summary>The reader could not parse the archive or an entry's data (bad checksum, truncated, unknown method).</summary>
    Corrupt = 1,

    /// <summary>Not a format the BCL reads (see <see cref="ArchiveFormat"/>).</summary>
    UnsupportedFormat = 2,

    /// <summary>An entry kind that is not a file or folder and not a link or device: encrypted, sparse, multi-volume.</summary>
    UnsupportedEntry = 3,

    /// <summary>A name that resolves above the destination ("../x", "a/../../b").</summary>
    EscapesDestination = 4,

    /// <summary>An absolute name ("/etc/x", "C:\x", "\\server\share").</summary>
    AbsolutePath = 5,

    /// <summary>A name with NUL or another control character.</summary>
    ControlCharacter = 6,

    /// <summary>A name the dataset path rules refuse for another reason (backslash, "//", too long, ...).</summary>
    InvalidName = 7,

    /// <summary>A symbolic or hard link: every one is refused, wherever it points (see ARCHITECTURE.md).</summary>
    Link = 8,

    /// <summary>A device file, FIFO or socket.</summary>
    SpecialFile = 9,

    /// <summary>Two entries for one path, or one path that is both a file and a folder.</summary>
    Duplicate = 10,

    TooManyEntries = 11,
    TooLarge = 12,
    RatioTooHigh = 13,

    /// <summary>An entry yielded more or fewer bytes than its header declared.</summary>
    SizeMismatch = 14,

    /// <summary>The archive on disk is not the one that was inspected.</summary>
    Changed = 15,

    /// <summary>A path already exists at the destination and overwriting was not asked for.</summary>
    Conflict = 16,
}
