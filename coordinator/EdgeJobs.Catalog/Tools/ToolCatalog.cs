using System.Collections.Frozen;

namespace EdgeJobs.Catalog.Tools;

/// <summary>The registry of built-in tools the coordinator accepts jobs for.</summary>
public sealed class ToolCatalog
{
    public static readonly ToolCatalog BuiltIn = new([SleepTool.Instance, RandomArtifactTool.Instance, InfoTool.Instance, RasterExportTool.Instance, BuildTool.Instance,
        MergeMultispectralTool.Instance, ReprojectTool.Instance, NcToGeoTiffTool.Instance, MergeTerrainTool.Instance, AlignRasterTool.Instance, RescanIndexTool.Instance,
        BulkDownloadTool.Instance, ArchiveExtractTool.Instance]);

    private readonly FrozenDictionary<string, ToolDescriptor> _byId;

    public ToolCatalog(IEnumerable<ToolDescriptor> tools)
    {
        Tools = [.. tools.OrderBy(t => t.Id, StringComparer.Ordinal)];
        _byId = Tools.ToFrozenDictionary(t => t.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<ToolDescriptor> Tools { get; }

    /// <summary>Finds a tool by id and, when given, version. Only the current version of each tool is served.</summary>
    public ToolDescriptor? Find(string id, string? version = null) =>
        _byId.TryGetValue(id, out var tool) && (version is null || version == tool.Version) ? tool : null;
}
