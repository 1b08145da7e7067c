using System.ComponentModel;
using System.Text.RegularExpressions;
using EdgeJobs.Catalog.Params;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Tools;

/// <summary>Params of <c>nc-to-geotiff</c>.</summary>
public sealed record NcToGeoTiffParams
{
    [Description("A NetCDF file, relative to the data root (or give url).")]
    public string? Path { get; init; }

    [Description("Instead of path: an http(s) URL of a NetCDF file, read in place through GDAL's /vsicurl/ (byte ranges), or with opendap an OPeNDAP dataset URL read by the netCDF library's DAP client. The host must be on the coordinator's --input-url-allow.")]
    public string? Url { get; init; }

    [Description("url is an OPeNDAP dataset (DAP2/DAP4), not a file: read through the netCDF library, which must be built with DAP (nc-config --has-dap2).")]
    public bool Opendap { get; set; }

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

        if ((parameters.Path is null) == (parameters.Url is null))
        {
            violations.Add(new ViolationDto("$.params.path", "give path (a file of the data root) or url (http or https), one of them"));
        }

        if (parameters.Path is { } path && (path.Contains('"', StringComparison.Ordinal) || path.Contains(':', StringComparison.Ordinal)))
        {
            violations.Add(new ViolationDto("$.params.path", "must not contain '\"' or ':'"));
        }

        if (parameters.Url is { } url && WebUrl(url) is null)
        {
            violations.Add(new ViolationDto("$.params.url", "must be an http:// or https:// URL without credentials, quotes or spaces"));
        }

        if (parameters.Opendap && parameters.Url is null)
        {
            violations.Add(new ViolationDto("$.params.opendap", "goes with url: an OPeNDAP dataset is read over the network"));
        }
    }

    /// <summary>The URL when it is one GDAL's connection string can carry as it is; null otherwise.</summary>
    private static Uri? WebUrl(string text) =>
        text.Length <= 2048 && Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.UserInfo.Length == 0
        && !text.Any(c => c is '"' or ' ' or '\\' || char.IsControl(c)) ? url : null;

    protected override IReadOnlyList<InputPath> InputPaths(NcToGeoTiffParams parameters) => parameters.Path is { } path ? [new("$.params.path", path)] : [];

    public override IReadOnlyList<(string ParamsPath, Uri Url)> InputUrls(string canonicalJson) =>
        Read(canonicalJson).Url is { } text && WebUrl(text) is { } url ? [("$.params.url", url)] : [];

    protected override OutputPath? OutputPath(NcToGeoTiffParams parameters) =>
        TiffOutput(parameters.Output, parameters.Overwrite);
}
