namespace EdgeJobs.Coordinator.Tiles;

/// <summary>What styling a raster's tiles needs to know about it, read once from its header and statistics.</summary>
/// <param name="Bounds4326">[west, south, east, north] in degrees.</param>
/// <param name="Bounds3857">Its extent in web-mercator metres (clamped to the projected world).</param>
/// <param name="Resolution3857">Metres per pixel at its native size, in web mercator.</param>
public sealed record RasterTileFacts(double[] Bounds4326, TileBounds Bounds3857, double Resolution3857, int Width, int Height, string DataType,
    IReadOnlyList<BandStatistics> Bands);

public sealed record BandStatistics(double Min, double Max, double Mean, double StdDev, double? NoData);

/// <summary>One tile of a raster warped to web mercator: each band's values, and which pixels hold data.</summary>
/// <param name="Bands">Band values, row by row, <c>size × size</c> each.</param>
/// <param name="Valid">Per pixel: inside the raster and not nodata.</param>
public sealed record WarpedTile(IReadOnlyList<float[]> Bands, bool[] Valid);

/// <summary>
/// Reads rasters for tiles: the coordinator's view of GDAL (the server binary implements it; design §8.5). Reading a
/// tile reads only the blocks of the overview level its resolution needs.
/// </summary>
public interface ITileReader
{
    /// <summary>The raster's facts, or null when <paramref name="path"/> is not a georeferenced raster GDAL can read.</summary>
    RasterTileFacts? Describe(string path);

    /// <summary>The tile covering <paramref name="bounds"/>, <paramref name="size"/> pixels square.</summary>
    WarpedTile Read(string path, TileBounds bounds, int size);
}
