using System.Diagnostics.CodeAnalysis;

namespace EdgeJobs.Archives.Extraction;

/// <summary>What <see cref="ArchiveExtractor"/> says: the files staged, or why none are (the staging directory holds nothing of it).</summary>
public readonly record struct ExtractionResult(IReadOnlyList<StagedFile>? Files, ArchiveRefusal? Refusal)
{
    [MemberNotNullWhen(true, nameof(Files))]
    [MemberNotNullWhen(false, nameof(Refusal))]
    public bool Ok => Files is not null;

    public static implicit operator ExtractionResult(List<StagedFile> files) => new(files, null);

    public static implicit operator ExtractionResult(ArchiveRefusal refusal) => new(null, refusal);
}
