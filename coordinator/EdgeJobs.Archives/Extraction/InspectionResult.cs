using System.Diagnostics.CodeAnalysis;

namespace EdgeJobs.Archives.Extraction;

/// <summary>What <see cref="ArchiveInspector"/> says: a plan, or the first rule the archive breaks.</summary>
public readonly record struct InspectionResult(ArchivePlan? Plan, ArchiveRefusal? Refusal)
{
    [MemberNotNullWhen(true, nameof(Plan))]
    [MemberNotNullWhen(false, nameof(Refusal))]
    public bool Ok => Plan is not null;

    public static implicit operator InspectionResult(ArchivePlan plan) => new(plan, null);

    public static implicit operator InspectionResult(ArchiveRefusal refusal) => new(null, refusal);
}
