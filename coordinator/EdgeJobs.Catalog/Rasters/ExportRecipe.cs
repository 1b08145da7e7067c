using EdgeJobs.Catalog.Tools;

namespace EdgeJobs.Catalog.Rasters;

/// <summary>
/// What a <c>raster-export</c> computes once the preset has filled in what the params left out and the
/// band roles are bound: the coordinator checks it, the agent runs it, from the same resolution.
/// </summary>
public sealed record ExportRecipe
{
    public RasterPresets.Preset? Preset { get; init; }

    /// <summary>The roles from <c>bands {…}</c>, <c>band_filter</c>, or the defaults.</summary>
    public required BandRoles Roles { get; init; }

    /// <summary>Input bands exported as they are, in order; null for all of them (or a formula).</summary>
    public IReadOnlyList<int>? Selection { get; init; }

    /// <summary>Where <see cref="Selection"/> came from: "bands", or the preset's roles.</summary>
    public bool SelectionFromPreset { get; init; }

    /// <summary>The formula as given (a named index or an expression), from the params or the preset.</summary>
    public string? Formula { get; init; }

    /// <summary>The expression to compile: a named index expanded over the roles, or the formula itself.</summary>
    public string? Expression { get; init; }

    public string? Colormap { get; init; }

    public double[]? Rescale { get; init; }

    /// <summary>The roles a named index or a band composite needs and the roles do not name.</summary>
    public IReadOnlyList<string> MissingRoles { get; init; } = [];

    /// <summary>The roles given explicitly (<c>bands {…}</c> or <c>band_filter</c>), when they were.</summary>
    public bool RolesGiven { get; init; }

    public static ExportRecipe Resolve(RasterExportParams p)
    {
        var preset = p.Preset is { } name ? RasterPresets.Find(name) : null;
        var filtered = p.BandFilter is { } filter ? BandFilter.Parse(filter).Roles : null;
        var roles = p.Bands?.Roles?.ToRoles() ?? filtered ?? BandRoles.Defaults;
        var formula = p.Formula ?? preset?.Formula;

        // A formula gives one band: it replaces a composite preset's bands, whichever set it.
        var composite = formula is null ? preset?.Composite : null;
        var needed = formula is not null ? SpectralIndices.RolesOf(formula) : composite ?? [];
        var missing = needed.Where(r => roles.Of(r) is null).ToList();
        var selection = p.Bands?.Selection
            ?? (composite is not null && missing.Count == 0 ? [.. composite.Select(r => roles.Of(r)!.Value)] : null);
        return new ExportRecipe
        {
            Preset = preset,
            Roles = roles,
            RolesGiven = p.Bands?.Roles is not null || filtered is not null,
            Selection = selection,
            SelectionFromPreset = p.Bands?.Selection is null && selection is not null,
            Formula = formula,
            Expression = formula is null ? null : missing.Count > 0 ? null : SpectralIndices.ExpandOver(formula, roles) ?? formula,
            Colormap = p.Colormap ?? preset?.Colormap,
            Rescale = p.Rescale,
            MissingRoles = missing,
        };
    }

    /// <summary>The value range a colour map stretches over without a rescale: a named index's own, when it has one.</summary>
    public (double Min, double Max)? NaturalRange => Formula is { } f ? SpectralIndices.NaturalRange(f) : null;

    /// <summary>A name for the result's file: the preset, the named index, "formula", or the bands; null for a copy.</summary>
    public string? Label =>
        Formula is { } f ? (SpectralIndices.IsIndex(f) ? f.Trim().ToLowerInvariant() : "formula")
        : SelectionFromPreset ? Preset!.Name
        : Selection is { } s ? "bands-" + string.Join("-", s)
        : null;
}
