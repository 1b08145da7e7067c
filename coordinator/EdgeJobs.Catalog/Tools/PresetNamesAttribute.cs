using EdgeJobs.Catalog.Params;
using EdgeJobs.Catalog.Rasters;

namespace EdgeJobs.Catalog.Tools;

/// <summary><c>raster-export</c>'s preset names and aliases, any case.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PresetNamesAttribute() : ParamAllowedValuesAttribute(RasterPresets.AllNames, ignoreCase: true);
