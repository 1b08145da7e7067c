namespace EdgeJobs.Coordinator.Datasets;

/// <summary>
/// Reads what the index keeps about a raster (design §8.2: what <c>info</c> reports). The coordinator library has no
/// GDAL of its own; the host that embeds it passes one in (<c>EdgeJobs.Server</c> uses the agent's GDAL). Without
/// one, entries are indexed without raster details.
/// </summary>
public interface IRasterInspector
{
    /// <summary>The raster's facts; null when GDAL does not open the file as a raster. Reads headers only (milliseconds).</summary>
    RasterFacts? Inspect(string path);
}

/// <summary>What the index keeps of a raster; <see cref="InfoJson"/> holds the rest of what was read.</summary>
public sealed record RasterFacts(int Width, int Height, int Bands, string DataType, string? Crs, string? Bounds4326Json, string InfoJson);
