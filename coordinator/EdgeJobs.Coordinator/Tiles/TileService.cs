using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Tiles;

/// <summary>What a job's raster output offers a web map (design §8.5's <c>tile_info</c>).</summary>
/// <param name="Bounds">[west, south, east, north] in degrees (EPSG:4326).</param>
public sealed record TileInfo(long JobId, double[] Bounds, int MinZoom, int MaxZoom, string Tiles, int TileSize, int Width, int Height, string DataType,
    IReadOnlyList<BandStatistics> Bands);

/// <summary>Why a job has no tiles: not completed, no artifact (or expired), or an artifact that is no georeferenced raster.</summary>
public sealed record NoTiles(int Status, string Code, string Detail);

/// <summary>
/// Web-map tiles of completed jobs' raster artifacts (design §8.5): facts read once per artifact (cached by its SHA-256),
/// each tile warped through <see cref="ITileReader"/> (only the overview and blocks it needs), styled, PNG-encoded.
/// A tile wholly outside the raster is transparent.
/// </summary>
public sealed class TileService(JobLedger ledger, ITileReader reader)
{
    private const int MaxCachedFacts = 256;

    private readonly ConcurrentDictionary<string, RasterTileFacts?> _facts = new(StringComparer.Ordinal);

    /// <summary>A fully transparent tile, encoded once.</summary>
    public static byte[] Empty { get; } = PngEncoder.Encode(new byte[WebMercator.TileSize * WebMercator.TileSize * 4], WebMercator.TileSize, WebMercator.TileSize);

    /// <summary>The artifact and its facts, or why there are none.</summary>
    public async Task<(ArtifactRow? Artifact, RasterTileFacts? Facts, NoTiles? Why)> FactsAsync(JobRow job)
    {
        if (job.JobState != JobState.Completed)
        {
            return (null, null, new NoTiles(409, "job_not_completed", $"job {job.Id} is {job.JobState.Name()}: tiles are of a completed job's raster output"));
        }

        var artifact = await ledger.GetArtifactAsync(job.Id).ConfigureAwait(false);
        if (artifact is null)
        {
            return (null, null, new NoTiles(404, "no_artifact", $"job {job.Id} has no artifact to draw"));
        }

        if (!artifact.IsKeptAt(ledger.Now()) || !File.Exists(artifact.Path))
        {
            return (null, null, new NoTiles(410, "artifact_expired", $"the artifact of job {job.Id} expired; run the job again"));
        }

        if (!_facts.TryGetValue(artifact.Sha256, out var facts))
        {
            facts = await Task.Run(() => reader.Describe(artifact.Path)).ConfigureAwait(false);
            if (_facts.Count >= MaxCachedFacts)
            {
                _facts.Clear();
            }

            _facts[artifact.Sha256] = facts;
        }

        return facts is null
            ? (null, null, new NoTiles(404, "not_a_raster", $"job {job.Id}'s artifact ({Path.GetFileName(artifact.Path)}) is not a georeferenced raster"))
            : (artifact, facts, null);
    }

    public static TileInfo Info(long jobId, RasterTileFacts facts)
    {
        var maxZoom = WebMercator.ZoomFor(facts.Resolution3857);
        var extent = Math.Max(facts.Bounds3857.MaxX - facts.Bounds3857.MinX, facts.Bounds3857.MaxY - facts.Bounds3857.MinY);
        var minZoom = extent <= 0 ? maxZoom : Math.Clamp((int)Math.Floor(Math.Log2(2 * WebMercator.Origin / extent)), 0, maxZoom);
        return new TileInfo(jobId, facts.Bounds4326, minZoom, maxZoom, $"/v1/jobs/{jobId}/tiles/{{z}}/{{x}}/{{y}}.png", WebMercator.TileSize,
            facts.Width, facts.Height, facts.DataType, facts.Bands);
    }

    /// <summary>The PNG of one tile (blocking: GDAL reads; the caller runs it off the request thread).</summary>
    public byte[] Render(ArtifactRow artifact, RasterTileFacts facts, int z, long x, long y, TileStyle style)
    {
        var bounds = WebMercator.Bounds(z, x, y);
        if (!WebMercator.Overlaps(bounds, facts.Bounds3857))
        {
            return Empty;
        }

        var tile = reader.Read(artifact.Path, bounds, WebMercator.TileSize);
        return PngEncoder.Encode(style.Apply(tile, facts), WebMercator.TileSize, WebMercator.TileSize);
    }

    /// <summary>The tile's ETag: the same artifact, tile and style make the same picture.</summary>
    public static string ETag(ArtifactRow artifact, int z, long x, long y, TileStyle style) =>
        "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{artifact.Sha256}/{z}/{x}/{y}/{style.Key}")))[..32] + "\"";
}
