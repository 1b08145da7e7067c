using System.ComponentModel;
using EdgeJobs.Protocol.Datasets;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Tools;

/// <summary>Params of <c>rescan-index</c>.</summary>
public sealed record RescanIndexParams
{
    [Description("Entry types to rescan, a comma list (raster, vector, pointcloud, image, archive, other; DroneDB's geoimage, georaster "
        + "and geovector are read as image, raster and vector). Without it, every entry.")]
    public string? Types { get; set; }

    [Description("Stop at the first file that cannot be read (the job fails); otherwise it is logged and skipped.")]
    public bool StopOnError { get; set; }
}

/// <summary>
/// <c>rescan-index</c>: reads every file of the dataset again — size, modification time, SHA-256, type, and what GDAL
/// reads of a raster — and makes the index match the files: new files are added, changed ones updated, rows whose file is
/// gone removed. Runs where the datasets are (the agent in the coordinator's process).
/// </summary>
public sealed class RescanIndexTool : TypedToolDescriptor<RescanIndexParams>
{
    public static readonly RescanIndexTool Instance = new();

    private RescanIndexTool()
        : base(ToolParamsJsonContext.Default.RescanIndexParams)
    {
    }

    public override string Id => "rescan-index";
    public override string Version => "1";
    public override string Title => "Rescan index";
    public override string Description => "Re-reads every file of a dataset (SHA-256, type, raster details) and makes its index match the files.";
    public override string Category => "dataset";
    public override string RequiredScope => Scopes.JobsWrite;
    public override bool ProducesArtifact => false;
    public override bool RequiresDataset => true;
    public override bool WritesDataset => true;

    /// <summary>DroneDB's type names, as its users pass them, mapped to the index's.</summary>
    private static readonly Dictionary<string, string> s_aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["geoimage"] = EntryTypes.Image,
        ["georaster"] = EntryTypes.Raster,
        ["geovector"] = EntryTypes.Vector,
    };

    /// <summary>The index types named by <paramref name="types"/> (a checked comma list); null for all.</summary>
    public static IReadOnlySet<string>? TypesOf(string? types)
    {
        if (string.IsNullOrWhiteSpace(types))
        {
            return null;
        }

        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in types.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            set.Add(s_aliases.TryGetValue(name, out var alias) ? alias : name.ToLowerInvariant());
        }

        return set;
    }

    protected override void AddCrossFieldViolations(RescanIndexParams parameters, List<ViolationDto> violations)
    {
        if (TypesOf(parameters.Types) is { } types && types.FirstOrDefault(t => !EntryTypes.All.Contains(t)) is { } unknown)
        {
            violations.Add(new ViolationDto("$.params.types", $"'{unknown}' is not an entry type; use {string.Join(", ", EntryTypes.All)} (or geoimage, georaster, geovector)"));
        }
    }

    protected override IReadOnlyList<InputPath> InputPaths(RescanIndexParams parameters) => [];

    /// <summary>Hashing is the cost: about the disk's read speed; the dataset's size is not known here, so a minute is a placeholder the progress corrects.</summary>
    protected override ToolEstimate Estimate(RescanIndexParams parameters, IReadOnlyList<InputFile> inputs) => new(0, 60);
}
