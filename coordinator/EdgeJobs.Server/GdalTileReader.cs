using System.Globalization;
using EdgeJobs.Coordinator.Tiles;
using EdgeJobs.Interop.Gdal;

namespace EdgeJobs.Server;

/// <summary>
/// Tiles through GDAL (design §8.5): <c>gdalwarp -t_srs EPSG:3857 -te … -ts 256 256 -r bilinear -dstalpha</c> into
/// memory, which reads only the source blocks under the tile from the overview level nearest its resolution (GDAL's
/// <c>-ovr AUTO</c>). The alpha band it adds marks the pixels outside the raster or nodata.
/// </summary>
public sealed class GdalTileReader : ITileReader
{
    public static readonly GdalTileReader Instance = new();

    /// <summary>Statistics come from a preview no larger than this on a side: an overview when the raster has one.</summary>
    private const int PreviewSize = 1024;

    private const double MaxLatitude = 85.05112877980659;

    private GdalTileReader()
    {
    }

    public RasterTileFacts? Describe(string path)
    {
        try
        {
            using var dataset = GdalDataset.OpenRead(path);
            if (dataset.GeoTransform is not { } t || dataset.BandCount == 0 || string.IsNullOrEmpty(dataset.ProjectionWkt))
            {
                return null;
            }

            var (w, h) = (dataset.Width, dataset.Height);
            double[] xs = [t[0], t[0] + (w * t[1]), t[0] + (h * t[2]), t[0] + (w * t[1]) + (h * t[2])];
            double[] ys = [t[3], t[3] + (w * t[4]), t[3] + (h * t[5]), t[3] + (w * t[4]) + (h * t[5])];
            if (GdalCrs.BoundsInWgs84(dataset.ProjectionWkt, xs.Min(), ys.Min(), xs.Max(), ys.Max()) is not { } wgs84)
            {
                return null;
            }

            var mercator = new TileBounds(MercatorX(wgs84[0]), MercatorY(wgs84[1]), MercatorX(wgs84[2]), MercatorY(wgs84[3]));
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
        using var source = GdalDataset.OpenRead(path);
        string[] args =
        [
            "-of", "MEM", "-t_srs", "EPSG:3857",
            "-te", Text(bounds.MinX), Text(bounds.MinY), Text(bounds.MaxX), Text(bounds.MaxY),
            "-ts", Text(size), Text(size), "-r", "bilinear", "-dstalpha",
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
