namespace EdgeJobs.Coordinator.Tiles;

/// <summary>A tile's extent in EPSG:3857 metres.</summary>
public readonly record struct TileBounds(double MinX, double MinY, double MaxX, double MaxY);

/// <summary>
/// OGC's WebMercatorQuad tile matrix set (EPSG:3857, 256-pixel tiles, one tile at zoom 0, y counted from the top), the
/// scheme of XYZ web maps.
/// </summary>
public static class WebMercator
{
    /// <summary>Half the projected world's width: π times the WGS 84 semi-major axis.</summary>
    public const double Origin = 20037508.342789244;

    public const int TileSize = 256;

    public const int MaxZoom = 24;

    public static bool IsTile(int z, long x, long y) => z is >= 0 and <= MaxZoom && x >= 0 && y >= 0 && x < (1L << z) && y < (1L << z);

    public static TileBounds Bounds(int z, long x, long y)
    {
        var size = 2 * Origin / (1L << z);
        return new TileBounds(-Origin + (x * size), Origin - ((y + 1) * size), -Origin + ((x + 1) * size), Origin - (y * size));
    }

    /// <summary>Metres per pixel at <paramref name="z"/>.</summary>
    public static double Resolution(int z) => 2 * Origin / TileSize / (1L << z);

    /// <summary>The zoom whose pixels are no larger than <paramref name="metresPerPixel"/>: where a raster shows at its native detail.</summary>
    public static int ZoomFor(double metresPerPixel) =>
        metresPerPixel <= 0 || !double.IsFinite(metresPerPixel) ? 0 : Math.Clamp((int)Math.Ceiling(Math.Log2(2 * Origin / TileSize / metresPerPixel) - 1e-9), 0, MaxZoom);

    /// <summary>Whether two extents share any area.</summary>
    public static bool Overlaps(TileBounds a, TileBounds b) => a.MinX < b.MaxX && b.MinX < a.MaxX && a.MinY < b.MaxY && b.MinY < a.MaxY;
}
