using EdgeJobs.Agent.Kernels;
using EdgeJobs.Agent.Tools;
using EdgeJobs.Catalog.Expressions;
using EdgeJobs.Catalog.Rasters;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Interop.Gdal;

namespace EdgeJobs.Agent.Rasters;

/// <summary>
/// What a <c>raster-export</c> job does with one particular raster, decided before any pixel is read:
/// which bands to read, how to get values from them, and how to write the values out. Mistakes only the
/// raster can reveal (a band it does not have, a colour map over many bands) end the job here, fatally.
/// </summary>
internal sealed class ExportPlan
{
    /// <summary>Working memory per worker thread; strips are sized to fit it.</summary>
    private const long WorkerBudgetBytes = 32L << 20;

    private ExportPlan()
    {
    }

    /// <summary>The 1-based source bands read, in the order the values are computed from them.</summary>
    public required IReadOnlyList<int> ReadBands { get; init; }

    /// <summary>Nodata of each read band, or NaN when it has none.</summary>
    public required float[] ReadNoData { get; init; }

    /// <summary>The compiled formula; null when the read bands are the values.</summary>
    public ExpressionProgram? Program { get; init; }

    /// <summary>Nodata of a formula's float32 result.</summary>
    public float ResultNoData { get; init; } = float.NaN;

    /// <summary>[min, max, toMin, toMax] of the stretch to Byte; null for a float32 result.</summary>
    public float[]? Stretch { get; init; }

    /// <summary>The colour table (r, g, b × 256) and whether an alpha band is written.</summary>
    public byte[]? ColorTable { get; init; }

    public bool Alpha { get; init; }

    public required GdalDataType OutputType { get; init; }

    public required int OutputBands { get; init; }

    /// <summary>Whether the bands read are a selection (some, reordered or repeated): a copy of them is gdal_translate -b's.</summary>
    public bool Selected { get; init; }

    /// <summary>No formula, stretch or colours: the raster (or the bands selected) is copied as it is.</summary>
    public bool IsPlainCopy => Program is null && Stretch is null;

    /// <summary>How many values a strip holds per pixel: the bands read, the result, scratch bytes.</summary>
    public int RowsPerStrip(int width)
    {
        var bytesPerRow = (long)width * ((ReadBands.Count * 4) + 4 + 8);
        return (int)Math.Clamp(WorkerBudgetBytes / bytesPerRow, 1, 256);
    }

    /// <summary>The nodata of output band <paramref name="index"/> (0-based), if it has one.</summary>
    public double? OutputNoData(int index)
    {
        if (ColorTable is not null)
        {
            return null; // transparency is the alpha band's job
        }

        if (Stretch is not null)
        {
            return HasNoData(index) ? 0 : null;
        }

        return Program is not null ? ResultNoData : null;
    }

    /// <summary>Whether the values of output band <paramref name="index"/> can be nodata.</summary>
    public bool HasNoData(int index) =>
        Program is not null ? true : !float.IsNaN(ReadNoData[index]);

    public static ExportPlan Create(RasterExportParams p, GdalDataset source)
    {
        var recipe = ExportRecipe.Resolve(p);
        if (recipe.MissingRoles.Count > 0)
        {
            // Refused at submit; params from elsewhere (a newer coordinator's rules, a hand-made job) end here.
            throw BadParams($"{recipe.Formula ?? recipe.Preset?.Name} reads the {string.Join(" and ", recipe.MissingRoles)} band(s), which params.band_filter does not name");
        }

        var bandCount = source.BandCount;
        ExpressionProgram? program = null;
        IReadOnlyList<int> read;
        if (recipe.Expression is { } expression)
        {
            program = ExpressionProgram.Compile(ExpressionParser.Parse(expression));
            if (program.Bands.FirstOrDefault(b => b > bandCount) is var missing and > 0)
            {
                var hint = SpectralIndices.IsIndex(recipe.Formula!) ? " (set params.bands to the bands of this sensor, or params.band_filter)" : "";
                throw BadParams($"{recipe.Formula} reads band {missing}, but {p.Path} has {bandCount} band(s){hint}");
            }

            read = program.Bands;
        }
        else if (recipe.Selection is { } selection)
        {
            if (selection.FirstOrDefault(b => b > bandCount) is var missing and > 0)
            {
                var from = recipe.SelectionFromPreset ? $"the preset {recipe.Preset!.Name} reads" : "bands selects";
                throw BadParams($"{from} band {missing}, but {p.Path} has {bandCount} band(s)"
                    + (recipe.SelectionFromPreset ? " (set params.bands {…} or params.band_filter to the bands of this sensor)" : ""));
            }

            read = selection;
        }
        else
        {
            read = [.. Enumerable.Range(1, bandCount)];
        }

        var noData = new float[read.Count];
        var types = new GdalDataType[read.Count];
        for (var i = 0; i < read.Count; i++)
        {
            using var band = source.GetBand(read[i]);
            noData[i] = band.NoData is { } nd ? (float)nd : float.NaN;
            types[i] = band.Type;
        }

        float[]? stretch = recipe.Rescale is { } r ? [(float)r[0], (float)r[1], r.Length == 4 ? (float)r[2] : 0, r.Length == 4 ? (float)r[3] : 255] : null;
        byte[]? table = null;
        if (recipe.Colormap is { } colormap)
        {
            if (program is null && read.Count != 1)
            {
                throw BadParams($"a colormap needs a single band, and {p.Path} has {read.Count}: give a formula such as b1, or bands such as \"1\"");
            }

            if (stretch is null)
            {
                stretch = recipe.NaturalRange is { } range ? [(float)range.Min, (float)range.Max, 0, 255]
                    : program is null && types[0] == GdalDataType.Byte ? [0, 255, 0, 255]
                    : throw BadParams($"a colormap over {(program is null ? types[0] + " data" : "a formula")} needs rescale [min, max] to know the value range");
            }

            table = Colormaps.Table(colormap);
        }

        var outputType = table is not null || stretch is not null ? GdalDataType.Byte
            : program is not null ? GdalDataType.Float32
            : types.Distinct().Count() == 1 ? types[0] : GdalDataType.Float64;
        return new ExportPlan
        {
            ReadBands = read,
            Selected = recipe.Selection is not null && program is null,
            ReadNoData = noData,
            Program = program,
            ResultNoData = program is null ? float.NaN : (float)p.Nodata,
            Stretch = stretch,
            ColorTable = table,
            Alpha = table is not null && p.Alpha,
            OutputType = outputType,
            OutputBands = table is not null ? (p.Alpha ? 4 : 3) : program is not null ? 1 : read.Count,
        };
    }

    private static ToolFailure BadParams(string message) => new("bad_params", message, retryable: false);
}
