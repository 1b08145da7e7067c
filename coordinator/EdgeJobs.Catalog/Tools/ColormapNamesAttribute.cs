using EdgeJobs.Catalog.Params;
using EdgeJobs.Catalog.Rasters;

namespace EdgeJobs.Catalog.Tools;

/// <summary>Every colour map and its reversed variant, any case.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ColormapNamesAttribute() : ParamAllowedValuesAttribute(Colormaps.AllNames, ignoreCase: true);
