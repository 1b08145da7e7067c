using System.ComponentModel;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Tools;

/// <summary>Params of <c>bulk-download</c>.</summary>
public sealed record BulkDownloadParams
{
    [Description("The entries to package, in this order; null or absent: every entry of the dataset, in path order.")]
    public string[]? Paths { get; set; }

    [Description("The ZIP's download name (default: the dataset's name, .zip); '.zip' is added when missing.")]
    public string? ArchiveName { get; set; }
}

/// <summary>
/// <c>bulk-download</c>: entries of a dataset (or all of it) as one ZIP artifact, written straight into the artifact
/// file as it goes (stored entries, ZIP64 past 4 GB or 65,535 entries), memory bounded whatever the size.
/// </summary>
public sealed class BulkDownloadTool : TypedToolDescriptor<BulkDownloadParams>
{
    public const int MaxPaths = 100_000;
    public const int MaxArchiveNameLength = 200;

    public static readonly BulkDownloadTool Instance = new();

    private BulkDownloadTool()
        : base(ToolParamsJsonContext.Default.BulkDownloadParams)
    {
    }

    public override string Id => "bulk-download";
    public override string Version => "1";
    public override string Title => "Bulk download";
    public override string Description => "Entries of a dataset, or all of it, as one ZIP archive (ZIP64 when large).";
    public override string Category => "dataset";
    public override string RequiredScope => Scopes.JobsWrite;
    public override bool ProducesArtifact => true;
    public override bool RequiresDataset => true;

    protected override void AddCrossFieldViolations(BulkDownloadParams parameters, List<ViolationDto> violations)
    {
        if (parameters.Paths is { } paths)
        {
            if (paths.Length == 0)
            {
                violations.Add(new ViolationDto("$.params.paths", "must name at least one entry (leave it out for the whole dataset)"));
            }
            else if (paths.Length > MaxPaths)
            {
                violations.Add(new ViolationDto("$.params.paths", $"at most {MaxPaths} entries; leave it out for the whole dataset"));
            }
            else if (paths.Distinct(StringComparer.Ordinal).Count() != paths.Length)
            {
                violations.Add(new ViolationDto("$.params.paths", "names an entry more than once"));
            }
        }

        if (parameters.ArchiveName is { } name && ZipName(name) is null)
        {
            violations.Add(new ViolationDto("$.params.archive_name", $"must be a file name of 1-{MaxArchiveNameLength} characters, without '/', '\\' or control characters"));
        }
    }

    /// <summary>The download name for <paramref name="name"/>, '.zip' added; null when it is not a plain file name.</summary>
    public static string? ZipName(string name)
    {
        if (name.Length is 0 or > MaxArchiveNameLength || name.Any(c => char.IsControl(c) || c is '/' or '\\') || name.Trim('.').Length == 0)
        {
            return null;
        }

        return name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) ? name : name + ".zip";
    }

    protected override IReadOnlyList<InputPath> InputPaths(BulkDownloadParams parameters) =>
        parameters.Paths is { } paths ? [.. paths.Select((p, i) => new InputPath($"$.params.paths[{i}]", p))] : [];

    /// <summary>Stored, not compressed: the archive is the entries plus ~100 bytes each; writing runs at the disk's speed.</summary>
    protected override ToolEstimate Estimate(BulkDownloadParams parameters, IReadOnlyList<InputFile> inputs)
    {
        var bytes = inputs.Sum(i => i.SizeBytes + 100);
        return new ToolEstimate(bytes, Math.Max(0.5, bytes / 300e6));
    }
}
