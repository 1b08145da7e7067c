using System.ComponentModel;
using EdgeJobs.Catalog.Rasters;

namespace EdgeJobs.Catalog.Tools;

/// <summary>The description of <c>raster-export</c>'s preset param, listing the presets from their definitions.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PresetDescriptionAttribute() : DescriptionAttribute(
    "A named visualisation (DroneDB's presets), any case. It fills in only the params left out: explicit formula, bands, colormap "
    + "or rescale win, and a formula replaces a band composite. Composites take their bands from bands {…} or band_filter "
    + "(defaults blue 1, green 2, red 3, nir 4). " + RasterPresets.Describe() + ".");
