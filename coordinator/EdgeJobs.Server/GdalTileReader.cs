using System.Collections.Concurrent;
using System.Globalization;
using EdgeJobs.Coordinator.Tiles;
using EdgeJobs.Interop.Gdal;

namespace EdgeJobs.Server;

/// <summary>
/// Tiles through GDAL (design §8.5): <c>gdalwarp -t_srs EPSG:3857 -te … -ts 256 256 -r bilinear -dstalpha</c> into
/// memory, which reads only the source blocks under the tile from the overview level that fits its resolution
/// (<see cref="Overview"/>: GDAL's rule for reads, a little coarser than gdalwarp's <c>-ovr AUTO</c>). The alpha band it adds marks the pixels outside the raster or nodata. Open datasets are kept for
/// a while and reused (one caller at a time each: a GDAL dataset is not thread-safe), so neighbouring tiles find the
/// blocks they share in GDAL's block cache and a COG's header is parsed once, not per tile.
/// </summary>
public sealed class GdalTileReader : ITileReader
{
    public static readonly GdalTileReader Instance = new();

    /// <summary>Statistics come from a preview no larger than this on a side: an overview when the raster has one.</summary>
    private const int PreviewSize = 1024;

    private const double MaxLatitude = 85.05112877980659;

    /// <summary>Open datasets kept for reuse, in all; beyond it the one returned is closed.</summary>
    private const int MaxKept = 16;

    /// <summary>A kept dataset unused this long is closed (an expired artifact's file is not held open for long).</summary>
    private static readonly TimeSpan s_keepFor = TimeSpan.FromSeconds(60);

    /// <summary>
    /// An overview may be this much coarser than a tile's pixels and still be read for it: GDAL's own rule for reads
    /// (RasterIO picks the overview up to 1.2× coarser than asked), where gdalwarp's AUTO takes the next finer one. At
    /// three zooms above native on a 1 m COG that is the 8 m overview instead of the 4 m one: four times fewer pixels to
    /// decode and warp for a tile upsampled at most 1.2×.
    /// </summary>
    public const double OverviewOversampling = 1.2;

    private const int MaxLayouts = 1024;

    private readonly ConcurrentDictionary<string, ConcurrentQueue<(GdalDataset Dataset, long ReturnedAt)>> _kept = new(StringComparer.Ordinal);

    // Per artifact (whose file never changes): its width, its native resolution in web mercator metres and its overviews' widths.
    private readonly ConcurrentDictionary<string, Layout> _layouts = new(StringComparer.Ordinal);
    private int _keptCount;

    private GdalTileReader()
    {
    }

    public RasterTileFacts? Describe(string path)
    {
        try
        {
            using var dataset = GdalDataset.OpenRead(path);
            var (w, h) = (dataset.Width, dataset.Height);
            if (dataset.BandCount == 0 || Wgs84Bounds(dataset) is not { } wgs84)
            {
                return null;
            }

            var mercator = ToMercator(wgs84);
            var bands = new List<BandStatistics>();
            string dataType;
            using (var first = dataset.GetBand(1))
            {
                dataType = first.DataType;
            }

            for (var i = 1; i <= dataset.BandCount; i++)
            {
                using var band = dataset.GetBand(i);
                bands.Add(Statistics(band, w, h));
            }

            return new RasterTileFacts(wgs84, mercator, (mercator.MaxX - mercator.MinX) / w, w, h, dataType, bands);
        }
        catch (GdalException)
        {
            return null;
        }
    }

    public WarpedTile Read(string path, TileBounds bounds, int size)
    {
        var source = Rent(path);
        try
        {
            var layout = LayoutOf(path, source);
            var overview = layout is null ? "AUTO" : Overview((bounds.MaxX - bounds.MinX) / size / layout.Resolution3857, layout.Width, layout.OverviewWidths);
            var tile = Warp(source, bounds, size, overview);
            Return(path, source);
            return tile;
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    private GdalDataset Rent(string path)
    {
        if (_kept.TryGetValue(path, out var queue) && queue.TryDequeue(out var kept))
        {
            Interlocked.Decrement(ref _keptCount);
            return kept.Dataset;
        }

        return GdalDataset.OpenRead(path);
    }

    private void Return(string path, GdalDataset dataset)
    {
        var now = Environment.TickCount64;
        foreach (var (_, queue) in _kept)
        {
            // Close what waited too long first, so a burst's datasets do not stay open after it.
            while (queue.TryPeek(out var oldest) && now - oldest.ReturnedAt > (long)s_keepFor.TotalMilliseconds && queue.TryDequeue(out var stale))
            {
                Interlocked.Decrement(ref _keptCount);
                stale.Dataset.Dispose();
            }
        }

        if (Interlocked.Increment(ref _keptCount) > MaxKept)
        {
            Interlocked.Decrement(ref _keptCount);
            dataset.Dispose();
            return;
        }

        _kept.GetOrAdd(path, _ => new ConcurrentQueue<(GdalDataset, long)>()).Enqueue((dataset, now));
    }

    /// <summary>
    /// gdalwarp's <c>-ovr</c> for a tile whose pixels are <paramref name="ratio"/> source pixels wide: the coarsest overview
    /// at most <see cref="OverviewOversampling"/> times coarser than that (its number, finest first), or <c>NONE</c>
    /// (full resolution) when none is.
    /// </summary>
    public static string Overview(double ratio, int width, IReadOnlyList<int> overviewWidths)
    {
        var chosen = -1;
        for (var i = 0; i < overviewWidths.Count; i++)
        {
            if (overviewWidths[i] > 0 && (double)width / overviewWidths[i] <= ratio * OverviewOversampling)
            {
                chosen = i;
            }
        }

        return chosen < 0 ? "NONE" : chosen.ToString(CultureInfo.InvariantCulture);
    }

    private sealed record Layout(int Width, double Resolution3857, IReadOnlyList<int> OverviewWidths);

    private Layout? LayoutOf(string path, GdalDataset dataset)
    {
        if (_layouts.TryGetValue(path, out var known))
        {
            return known;
        }

        if (Extent3857(dataset) is not { } extent)
        {
            return null;
        }

        using var band = dataset.GetBand(1);
        var layout = new Layout(dataset.Width, (extent.MaxX - extent.MinX) / dataset.Width, band.OverviewWidths);
        if (_layouts.Count >= MaxLayouts)
        {
            _layouts.Clear(); // a few microseconds to learn again; never a growing map of old artifacts
        }

        _layouts[path] = layout;
        return layout;
    }

    private static WarpedTile Warp(GdalDataset source, TileBounds bounds, int size, string overview)
    {
        string[] args =
        [
            "-of", "MEM", "-t_srs", "EPSG:3857",
            "-te", Text(bounds.MinX), Text(bounds.MinY), Text(bounds.MaxX), Text(bounds.MaxY),
            "-ts", Text(size), Text(size), "-r", "bilinear", "-dstalpha", "-ovr", overview,
        ];
        using var warped = GdalUtilities.Warp("", [source], args, null, CancellationToken.None);
        var count = warped.BandCount - 1;
        var values = new List<float[]>(count);
        for (var i = 1; i <= count; i++)
        {
            using var band = warped.GetBand(i);
            var pixels = new float[size * size];
            band.Read<float>(0, 0, size, size, pixels);
            values.Add(pixels);
        }

        var alpha = new byte[size * size];
        using (var alphaBand = warped.GetBand(warped.BandCount))
        {
            alphaBand.Read<byte>(0, 0, size, size, alpha);
        }

        return new WarpedTile(values, [.. alpha.Select(a => a > 0)]);
    }

    /// <summary>The raster's bounds in EPSG:4326 (west, south, east, north); null without a georeference.</summary>
    private static double[]? Wgs84Bounds(GdalDataset dataset)
    {
        if (dataset.GeoTransform is not { } t || string.IsNullOrEmpty(dataset.ProjectionWkt))
        {
            return null;
        }

        var (w, h) = (dataset.Width, dataset.Height);
        double[] xs = [t[0], t[0] + (w * t[1]), t[0] + (h * t[2]), t[0] + (w * t[1]) + (h * t[2])];
        double[] ys = [t[3], t[3] + (w * t[4]), t[3] + (h * t[5]), t[3] + (w * t[4]) + (h * t[5])];
        return GdalCrs.BoundsInWgs84(dataset.ProjectionWkt, xs.Min(), ys.Min(), xs.Max(), ys.Max());
    }

    private static TileBounds? Extent3857(GdalDataset dataset) => Wgs84Bounds(dataset) is { } wgs84 ? ToMercator(wgs84) : null;

    private static TileBounds ToMercator(double[] wgs84) => new(MercatorX(wgs84[0]), MercatorY(wgs84[1]), MercatorX(wgs84[2]), MercatorY(wgs84[3]));

    /// <summary>Min, max, mean and standard deviation of a preview of the band, without its nodata; never written back to the file.</summary>
    private static BandStatistics Statistics(GdalBand band, int width, int height)
    {
        var scale = Math.Min(1.0, PreviewSize / (double)Math.Max(width, height));
        var (pw, ph) = (Math.Max(1, (int)(width * scale)), Math.Max(1, (int)(height * scale)));
        var values = new double[pw * ph];
        band.ReadWhole<double>(pw, ph, values);
        var noData = band.NoData;
        double min = double.MaxValue, max = double.MinValue, sum = 0, sumSquares = 0;
        long n = 0;
        foreach (var v in values)
        {
            if (double.IsNaN(v) || (noData is { } nd && v == nd))
            {
                continue;
            }

            (min, max, sum, sumSquares, n) = (Math.Min(min, v), Math.Max(max, v), sum + v, sumSquares + (v * v), n + 1);
        }

        if (n == 0)
        {
            return new BandStatistics(0, 0, 0, 0, noData);
        }

        var mean = sum / n;
        return new BandStatistics(min, max, mean, Math.Sqrt(Math.Max(0, (sumSquares / n) - (mean * mean))), noData);
    }

    private static double MercatorX(double longitude) => Math.Clamp(longitude, -180, 180) * WebMercator.Origin / 180;

    private static double MercatorY(double latitude) =>
        Math.Log(Math.Tan((90 + Math.Clamp(latitude, -MaxLatitude, MaxLatitude)) * Math.PI / 360)) * WebMercator.Origin / Math.PI;

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
