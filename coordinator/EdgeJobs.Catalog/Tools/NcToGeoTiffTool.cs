using System.ComponentModel;
using System.Text.RegularExpressions;
using EdgeJobs.Catalog.Params;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Tools;

/// <summary>Params of <c>nc-to-geotiff</c>.</summary>
public sealed record NcToGeoTiffParams
{
    [Description("A NetCDF file, relative to the data root.")]
    public required string Path { get; init; }

    [Description("The variable to convert, e.g. tas.")]
    public required string Variable { get; init; }

    [Description("One time step (0-based); without it, every step becomes a band.")]
    [ParamRange(0, 1_000_000)]
    public int? TimeIndex { get; set; }

    [Description("Also write the GeoTIFF here, relative to the data root (.tif).")]
    public string? Output { get; set; }

    [Description("Replace the output file if it exists.")]
    public bool Overwrite { get; set; }
}

/// <summary>
/// <c>nc-to-geotiff</c>: a NetCDF variable to a GeoTIFF with its CRS and geotransform, as
/// <c>gdal_translate NETCDF:"file":variable</c> (with <c>-b</c> for one time step) does.
/// </summary>
public sealed partial class NcToGeoTiffTool : TypedToolDescriptor<NcToGeoTiffParams>
{
    public static readonly NcToGeoTiffTool Instance = new();

    private NcToGeoTiffTool()
        : base(ToolParamsJsonContext.Default.NcToGeoTiffParams)
    {
    }

    public override string Id => "nc-to-geotiff";
    public override string Version => "1";
    public override string Title => "NetCDF to GeoTIFF";
    public override string Description => "A NetCDF variable (one time step, or all as bands) to a GeoTIFF with CRS and geotransform.";
    public override string Category => "raster";
    public override string RequiredScope => Scopes.JobsWrite;
    public override bool ProducesArtifact => true;

    // A variable name goes into GDAL's NETCDF:"path":variable syntax: no quotes or colons may break out of it.
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.\-]{0,254}$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableName();

    protected override void AddCrossFieldViolations(NcToGeoTiffParams parameters, List<ViolationDto> violations)
    {
        if (!VariableName().IsMatch(parameters.Variable))
        {
            violations.Add(new ViolationDto("$.params.variable", "must be a NetCDF variable name: letters, digits, _ . -"));
        }

        if (parameters.Path.Contains('"', StringComparison.Ordinal) || parameters.Path.Contains(':', StringComparison.Ordinal))
        {
            violations.Add(new ViolationDto("$.params.path", "must not contain '\"' or ':'"));
        }
    }

    protected override IReadOnlyList<InputPath> InputPaths(NcToGeoTiffParams parameters) => [new("$.params.path", parameters.Path)];

    protected override OutputPath? OutputPath(NcToGeoTiffParams parameters) =>
        TiffOutput(parameters.Output, parameters.Overwrite);
}
