using System.ComponentModel;
using EdgeJobs.Protocol.Datasets;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Tools;

/// <summary>Params of <c>archive-extract</c>.</summary>
public sealed record ArchiveExtractParams
{
    [Description("The archive, an entry of the dataset: .zip, .tar, .tar.gz, .tgz or .gz.")]
    public required string SourcePath { get; init; }

    [Description("The folder of the dataset the files go into (default: the dataset's root).")]
    public string? DestPath { get; set; }

    [Description("Remove the archive once its files are in the dataset.")]
    public bool DeleteArchive { get; set; }

    [Description("Replace entries that exist at the files' paths; without it, any such entry refuses the whole archive.")]
    public bool Overwrite { get; set; }
}

/// <summary>
/// <c>archive-extract</c>: an archive of the dataset unpacked into it, each file indexed as if uploaded. The archive is
/// inspected first and refused before anything is written when an entry would land outside the destination (zip-slip),
/// is absolute, a link, a device, or the archive would pass the dataset's limits (entries, bytes, compression ratio).
/// </summary>
public sealed class ArchiveExtractTool : TypedToolDescriptor<ArchiveExtractParams>
{
    public static readonly ArchiveExtractTool Instance = new();

    private ArchiveExtractTool()
        : base(ToolParamsJsonContext.Default.ArchiveExtractParams)
    {
    }

    public override string Id => "archive-extract";
    public override string Version => "1";
    public override string Title => "Extract archive";
    public override string Description => "Unpacks a ZIP, TAR or TAR.GZ of the dataset into it, each file indexed; unsafe archives are refused whole.";
    public override string Category => "dataset";
    public override string RequiredScope => Scopes.JobsWrite;
    public override bool ProducesArtifact => false;
    public override bool RequiresDataset => true;
    public override bool WritesDataset => true;

    protected override void AddCrossFieldViolations(ArchiveExtractParams parameters, List<ViolationDto> violations)
    {
        if (parameters.DestPath is { Length: > 0 } dest && DatasetPaths.CheckPrefix(dest.EndsWith('/') ? dest : dest + "/", out _) is { } reason)
        {
            violations.Add(new ViolationDto("$.params.dest_path", reason));
        }
    }

    protected override IReadOnlyList<InputPath> InputPaths(ArchiveExtractParams parameters) => [new("$.params.source_path", parameters.SourcePath)];

    /// <summary>Writes about what it reads, several times over for a compressed archive; ~150 MB/s.</summary>
    protected override ToolEstimate Estimate(ArchiveExtractParams parameters, IReadOnlyList<InputFile> inputs)
    {
        var bytes = inputs.Sum(i => i.SizeBytes);
        return new ToolEstimate(0, Math.Max(0.5, bytes / 150e6));
    }
}
