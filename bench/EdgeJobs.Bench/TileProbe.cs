using System.Diagnostics;
using System.Globalization;
using EdgeJobs.Coordinator.Tiles;

namespace EdgeJobs.Bench;

/// <summary>
/// Web-map tiles of one COG, rendered in this process on the calling thread (pin it to one core with <c>taskset</c>):
/// for the native zoom and three and six levels above it, a fixed random sample of the tiles that touch the raster,
/// each warped, styled and PNG-encoded as <c>GET /v1/jobs/{id}/tiles/…</c> does. Prints tiles/s and p50/p99 per level.
/// Usage: <c>dotnet run -c Release --project bench/EdgeJobs.Bench -- tiles COG [TILES_PER_LEVEL]</c> (scripts/bench-tiles)
/// </summary>
internal static class TileProbe
{
    public static void Run(string path, int tilesPerLevel)
    {
        var reader = EdgeJobs.Server.GdalTileReader.Instance;
        var clock = Stopwatch.StartNew();
        var facts = reader.Describe(path) ?? throw new InvalidOperationException($"{path} is not a georeferenced raster");
        Console.WriteLine($"facts (header and statistics from an overview): {clock.Elapsed.TotalMilliseconds:F0} ms; {facts.Width}x{facts.Height} {facts.DataType}, {facts.Bands.Count} bands");
        var info = TileService.Info(1, facts);
        var style = TileStyle.Parse([], null).Style!;
        Console.WriteLine("level        zoom  tiles   tiles/s   p50 ms   p99 ms   max ms   warp ms  style ms    png ms (means)");
        foreach (var (label, z) in new[] { ("native", info.MaxZoom), ("native-3", info.MaxZoom - 3), ("native-6", info.MaxZoom - 6) })
        {
            var tiles = Sample(facts.Bounds3857, z, tilesPerLevel);
            Render(reader, path, facts, style, tiles[0].X, tiles[0].Y, z); // warm: opens, caches
            var times = new List<double>(tiles.Count);
            s_phases = default;
            var all = Stopwatch.StartNew();
            foreach (var (x, y) in tiles)
            {
                var one = Stopwatch.StartNew();
                Render(reader, path, facts, style, x, y, z);
                times.Add(one.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label,-12} {z,4} {tiles.Count,6} {tiles.Count / all.Elapsed.TotalSeconds,9:F1} {times[times.Count / 2],8:F1} {times[(int)Math.Ceiling(times.Count * 0.99) - 1],8:F1} {times[^1],8:F1} {s_phases.Warp / tiles.Count,9:F1} {s_phases.Style / tiles.Count,9:F1} {s_phases.Png / tiles.Count,9:F1}"));
        }
    }

    /// <summary>Milliseconds spent per phase since the level started: where a tile's time goes.</summary>
    private static (double Warp, double Style, double Png) s_phases;

    private static void Render(EdgeJobs.Server.GdalTileReader reader, string path, RasterTileFacts facts, TileStyle style, long x, long y, int z)
    {
        var clock = Stopwatch.StartNew();
        var tile = reader.Read(path, WebMercator.Bounds(z, x, y), WebMercator.TileSize);
        var warp = clock.Elapsed.TotalMilliseconds;
        var rgba = style.Apply(tile, facts);
        var styled = clock.Elapsed.TotalMilliseconds;
        _ = PngEncoder.Encode(rgba, WebMercator.TileSize, WebMercator.TileSize);
        s_phases = (s_phases.Warp + warp, s_phases.Style + styled - warp, s_phases.Png + clock.Elapsed.TotalMilliseconds - styled);
    }

    /// <summary>Up to <paramref name="count"/> distinct tiles at <paramref name="z"/> that touch the raster, drawn with a fixed seed.</summary>
    private static List<(long X, long Y)> Sample(TileBounds raster, int z, int count)
    {
        var size = 2 * WebMercator.Origin / (1L << z);
        var (x0, x1) = ((long)Math.Floor((raster.MinX + WebMercator.Origin) / size), (long)Math.Floor((raster.MaxX + WebMercator.Origin) / size));
        var (y0, y1) = ((long)Math.Floor((WebMercator.Origin - raster.MaxY) / size), (long)Math.Floor((WebMercator.Origin - raster.MinY) / size));
        var all = new List<(long, long)>();
        for (var x = x0; x <= x1; x++)
        {
            for (var y = y0; y <= y1; y++)
            {
                all.Add((x, y));
            }
        }

        var random = new Random(42);
        return [.. all.OrderBy(_ => random.Next()).Take(count)];
    }
}
