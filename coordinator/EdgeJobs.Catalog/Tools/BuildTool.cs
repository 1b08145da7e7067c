using System.ComponentModel;
using EdgeJobs.Catalog.Params;
using EdgeJobs.Protocol.Datasets;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Tools;

/// <summary>Params of <c>build</c>.</summary>
public sealed record BuildParams
{
    [Description("Any raster GDAL reads (a COG is built), or a vector file (GeoJSON, GeoPackage, Shapefile, FlatGeobuf, KML…: vector tiles are built), relative to the data root or the job's dataset.")]
    public required string Path { get; init; }

    [Description("Tile compression. zstd with a predictor is smaller than lzw and faster to write and read.")]
    [ParamAllowedValues("zstd", "deflate", "lzw", "jpeg", "webp", "none")]
    public string Compression { get; set; } = "zstd";

    [Description("Compression level: zstd 1-22, deflate 1-9, jpeg/webp quality 1-100; default: the codec's fast setting.")]
    [ParamRange(1, 100)]
    public int? Level { get; set; }

    [Description("auto: horizontal differencing for integers, floating_point for floats (lossless codecs only).")]
    [ParamAllowedValues("auto", "none", "horizontal", "floating_point")]
    public string Predictor { get; set; } = "auto";

    [Description("Tile width and height in pixels, a multiple of 16.")]
    [ParamRange(64, 4096)]
    public int BlockSize { get; set; } = 512;

    [Description("How overviews are computed from the full resolution.")]
    [ParamAllowedValues("nearest", "average", "bilinear", "cubic", "cubicspline", "lanczos", "mode", "rms")]
    public string Resampling { get; set; } = "average";

    [Description("Number of overview levels, each half the size of the previous; 0 for none. Default: down to one tile.")]
    [ParamRange(0, 30)]
    public int? Overviews { get; set; }

    [Description("Vector tiles only: the lowest zoom level written.")]
    [ParamRange(0, 22)]
    public int? MinZoom { get; set; }

    [Description("Vector tiles only: the highest zoom level written (default 5, as GDAL's MVT driver); its tiles carry full detail.")]
    [ParamRange(0, 22)]
    public int? MaxZoom { get; set; }

    [Description("Also write the result here, relative to the data root or the job's dataset: .tif for a COG, .mbtiles for vector tiles.")]
    public string? Output { get; set; }

    [Description("Replace the output file if it exists.")]
    public bool Overwrite { get; set; }
}

/// <summary>
/// <c>build</c>: a dataset entry's derivative for the web. A raster becomes a Cloud Optimized GeoTIFF with overviews; a
/// vector file becomes vector tiles (Mapbox Vector Tiles written by GDAL's MVT writer, packed in one MBTiles file so the
/// result is one artifact that moves into a dataset atomically). Which one is decided by the path's extension
/// (<see cref="EntryTypes"/>), as the dataset index decides an entry's type.
/// </summary>
public sealed class BuildTool : TypedToolDescriptor<BuildParams>
{
    public static readonly BuildTool Instance = new();

    private BuildTool()
        : base(ToolParamsJsonContext.Default.BuildParams)
    {
    }

    public override string Id => "build";
    public override string Version => "1";
    public override string Title => "Build COG";
    public override string Description => "A Cloud Optimized GeoTIFF with tiles, compression and overviews from any raster GDAL reads; vector tiles (MVT in MBTiles) from a vector file.";

    /// <summary>True when <paramref name="path"/> names a vector file: build makes vector tiles of it.</summary>
    public static bool IsVector(string path) => EntryTypes.Of(path) == EntryTypes.Vector;
    public override string Category => "raster";
    public override string RequiredScope => Scopes.JobsWrite;
    public override bool ProducesArtifact => true;

    protected override void AddCrossFieldViolations(BuildParams parameters, List<ViolationDto> violations)
    {
        if (IsVector(parameters.Path))
        {
            if (parameters.MinZoom is { } min && parameters.MaxZoom is { } max && min > max)
            {
                violations.Add(new ViolationDto("$.params.min_zoom", $"must not be above max_zoom ({max})"));
            }

            return; // the raster options below do not apply to vector tiles
        }

        if (parameters.MinZoom is not null || parameters.MaxZoom is not null)
        {
            violations.Add(new ViolationDto(parameters.MinZoom is not null ? "$.params.min_zoom" : "$.params.max_zoom",
                "applies to a vector file's tiles; this path is not a vector file (.geojson, .gpkg, .shp, .fgb, …)"));
        }

        if (parameters.BlockSize % 16 != 0)
        {
            violations.Add(new ViolationDto("$.params.block_size", "must be a multiple of 16"));
        }

        if (parameters.Level is { } level)
        {
            var max = parameters.Compression switch { "zstd" => 22, "deflate" => 9, "jpeg" or "webp" => 100, _ => 0 };
            if (max == 0)
            {
                violations.Add(new ViolationDto("$.params.level", $"does not apply to compression '{parameters.Compression}'"));
            }
            else if (level > max)
            {
                violations.Add(new ViolationDto("$.params.level", $"must be between 1 and {max} for {parameters.Compression}"));
            }
        }

        if (parameters.Predictor is not ("auto" or "none") && parameters.Compression is not ("zstd" or "deflate" or "lzw"))
        {
            violations.Add(new ViolationDto("$.params.predictor", $"applies to zstd, deflate and lzw, not '{parameters.Compression}'"));
        }
    }

    protected override IReadOnlyList<InputPath> InputPaths(BuildParams parameters) => [new("$.params.path", parameters.Path)];

    protected override OutputPath? OutputPath(BuildParams parameters) => IsVector(parameters.Path)
        ? parameters.Output is null ? null : new("$.params.output", parameters.Output, parameters.Overwrite, [".mbtiles"])
        : TiffOutput(parameters.Output, parameters.Overwrite);

    /// <summary>Overviews add a third; compression usually takes more than that back. ~100 MB/s of input.</summary>
    protected override ToolEstimate Estimate(BuildParams parameters, IReadOnlyList<InputFile> inputs)
    {
        var bytes = inputs.Sum(i => i.SizeBytes);
        return new ToolEstimate(bytes * 4 / 3, Math.Max(0.5, bytes / 100e6));
    }
}
