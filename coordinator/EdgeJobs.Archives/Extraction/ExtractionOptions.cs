namespace EdgeJobs.Archives.Extraction;

/// <summary>How <see cref="ArchiveExtractor"/> treats the dataset it extracts for.</summary>
public sealed record ExtractionOptions
{
    /// <summary>Whether a planned path that already exists in the dataset is replaced (true) or a conflict (false).</summary>
    public bool Overwrite { get; init; }

    /// <summary>
    /// Whether a dataset path exists at the destination now. Asked for every planned file, and for every folder
    /// the archive creates: a file where the archive needs a folder is a conflict even with <see cref="Overwrite"/>.
    /// Null: the destination is empty.
    /// </summary>
    public Func<string, bool>? ExistsAtDestination { get; init; }

    /// <summary>Bytes written so far and the plan's total, called after each block.</summary>
    public Action<long, long>? Progress { get; init; }
}
