using System.Collections.Frozen;
using EdgeJobs.Catalog.Exec;

namespace EdgeJobs.Catalog.Tools;

/// <summary>
/// The registry of tools the coordinator accepts jobs for: the built-in tools, fixed, and the exec tools agents
/// advertised (README "Exec tools"), which come and change while it runs. Readers see an immutable snapshot;
/// exec tools are added under a lock. Every known version of an exec tool stays findable (jobs submitted for it
/// still name it), and the newest one learned is the one served for new submits.
/// </summary>
public sealed class ToolCatalog
{
    /// <summary>
    /// The tool names of jobs the coordinator runs itself and no agent is ever granted: recipe jobs and campaign
    /// batches.
    /// </summary>
    // Declared before BuiltIn: static fields initialize in order, and BuiltIn's constructor reads this.
    public static readonly string[] CoordinatorJobKinds = ["recipe", "campaign-batch"];

    public static readonly ToolCatalog BuiltIn = new([SleepTool.Instance, RandomArtifactTool.Instance, InfoTool.Instance, RasterExportTool.Instance, BuildTool.Instance,
        MergeMultispectralTool.Instance, ReprojectTool.Instance, NcToGeoTiffTool.Instance, MergeTerrainTool.Instance, AlignRasterTool.Instance, RescanIndexTool.Instance,
        BulkDownloadTool.Instance, ArchiveExtractTool.Instance, EchoTool.Instance], acceptsExecTools: false);

    private readonly FrozenDictionary<string, ToolDescriptor> _builtIn;
    private readonly Lock _lock = new();
    private volatile Snapshot _snapshot;

    /// <param name="acceptsExecTools">False only for the shared <see cref="BuiltIn"/>; a coordinator serves a copy of its own.</param>
    public ToolCatalog(IEnumerable<ToolDescriptor> tools, bool acceptsExecTools = true)
    {
        _builtIn = tools.ToFrozenDictionary(t => t.Id, StringComparer.Ordinal);
        BuiltInIds = _builtIn.Keys.ToFrozenSet(StringComparer.Ordinal);
        ReservedIds = _builtIn.Keys.Concat(CoordinatorJobKinds).ToFrozenSet(StringComparer.Ordinal);
        AcceptsExecTools = acceptsExecTools;
        _snapshot = new Snapshot(_builtIn, FrozenDictionary<(string, string), ExecToolDescriptor>.Empty, FrozenDictionary<string, ExecToolDescriptor>.Empty);
    }

    /// <summary>The built-in tools' ids.</summary>
    public IReadOnlySet<string> BuiltInIds { get; }


    /// <summary>The ids exec tools may not take: the built-in tools' and <see cref="CoordinatorJobKinds"/>.</summary>
    public IReadOnlySet<string> ReservedIds { get; }

    public bool AcceptsExecTools { get; }

    /// <summary>Every tool served: the built-ins and the current version of each exec tool, by id.</summary>
    public IReadOnlyList<ToolDescriptor> Tools => _snapshot.Tools;

    /// <summary>A catalog of the same built-in tools and no exec tools, which accepts them.</summary>
    public ToolCatalog WithoutExecTools() => new(_builtIn.Values);

    /// <summary>Finds a tool by id and, when given, version: any known version of an exec tool, the current one without a version.</summary>
    public ToolDescriptor? Find(string id, string? version = null)
    {
        var snapshot = _snapshot;
        if (_builtIn.TryGetValue(id, out var tool))
        {
            return version is null || version == tool.Version ? tool : null;
        }

        return version is null
            ? snapshot.Current.GetValueOrDefault(id)
            : snapshot.Versions.GetValueOrDefault((id, version));
    }

    /// <summary>What <see cref="AddExecTool"/> made of a manifest.</summary>
    public enum ExecAdmission
    {
        /// <summary>New (id, version): now known, and served for new submits.</summary>
        Added,

        /// <summary>The same manifest as the one known for (id, version).</summary>
        Known,

        /// <summary>(id, version) is known with another manifest: the first known wins, this copy is refused.</summary>
        Conflict,

        /// <summary>A built-in tool's id, or this catalog takes no exec tools.</summary>
        Refused,
    }

    /// <summary>
    /// Learns an exec tool. The latest version known (<see cref="ToolVersions"/>) is the one new submits get when they
    /// name none, whatever order the versions were learned in: an agent still carrying an older manifest, or the
    /// ledger's rows read back at start, never take new submits back to it. Older versions stay submittable by name.
    /// </summary>
    public (ExecAdmission Admission, ExecToolDescriptor? Known) AddExecTool(ExecToolDescriptor tool)
    {
        if (!AcceptsExecTools || _builtIn.ContainsKey(tool.Id))
        {
            return (ExecAdmission.Refused, null);
        }

        lock (_lock)
        {
            var snapshot = _snapshot;
            if (snapshot.Versions.TryGetValue((tool.Id, tool.Version), out var known))
            {
                return known.Manifest.CanonicalJson == tool.Manifest.CanonicalJson ? (ExecAdmission.Known, known) : (ExecAdmission.Conflict, known);
            }

            var versions = new Dictionary<(string, string), ExecToolDescriptor>(snapshot.Versions) { [(tool.Id, tool.Version)] = tool };
            var current = new Dictionary<string, ExecToolDescriptor>(snapshot.Current, StringComparer.Ordinal);
            if (!current.TryGetValue(tool.Id, out var served) || ToolVersions.IsLater(tool.Version, served.Version))
            {
                current[tool.Id] = tool;
            }

            _snapshot = new Snapshot(_builtIn, versions.ToFrozenDictionary(), current.ToFrozenDictionary(StringComparer.Ordinal));
            return (ExecAdmission.Added, tool);
        }
    }

    private sealed class Snapshot
    {
        public Snapshot(FrozenDictionary<string, ToolDescriptor> builtIn, FrozenDictionary<(string, string), ExecToolDescriptor> versions, FrozenDictionary<string, ExecToolDescriptor> current)
        {
            Versions = versions;
            Current = current;
            Tools = [.. builtIn.Values.Concat(current.Values).OrderBy(t => t.Id, StringComparer.Ordinal)];
        }

        public FrozenDictionary<(string, string), ExecToolDescriptor> Versions { get; }

        public FrozenDictionary<string, ExecToolDescriptor> Current { get; }

        public IReadOnlyList<ToolDescriptor> Tools { get; }
    }
}
