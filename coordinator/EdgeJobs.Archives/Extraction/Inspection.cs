using System.Diagnostics.CodeAnalysis;

namespace EdgeJobs.Archives.Extraction;

/// <summary>What <see cref="ArchiveInspector"/> says: a plan, or the first rule the archive breaks.</summary>
public readonly record struct Inspection(ArchivePlan? Plan, ArchiveRefusal? Refusal)
{
    [MemberNotNullWhen(true, nameof(Plan))]
    [MemberNotNullWhen(false, nameof(Refusal))]
    public bool Ok => Plan is not null;

    public static implicit operator Inspection(ArchivePlan plan) => new(plan, null);

    public static implicit operator Inspection(ArchiveRefusal refusal) => new(null, refusal);
}
