namespace EdgeJobs.Coordinator.Ledger;

/// <summary>A row of <c>datasets</c>.</summary>
public sealed class DatasetRow
{
    public string Org { get; set; } = "";
    public string Name { get; set; } = "";
    public long CreatedAt { get; set; }
    public long? ByteQuota { get; set; }
    public long BytesUsed { get; set; }
    public long EntryCount { get; set; }
}

/// <summary>A row of <c>dataset_entries</c>; the raster columns are null for anything GDAL does not open as a raster.</summary>
public sealed class DatasetEntryRow
{
    public string Path { get; set; } = "";
    public string Type { get; set; } = "";
    public long Size { get; set; }
    public string Sha256 { get; set; } = "";
    public long Mtime { get; set; }
    public long? RasterWidth { get; set; }
    public long? RasterHeight { get; set; }
    public long? RasterBands { get; set; }
    public string? RasterType { get; set; }
    public string? RasterCrs { get; set; }
    /// <summary>JSON <c>[west, south, east, north]</c> in EPSG:4326.</summary>
    public string? RasterBounds { get; set; }
    public string? RasterInfo { get; set; }

    /// <summary>Copies what an inspection found into the raster columns (all null when it is not a raster).</summary>
    public DatasetEntryRow WithRaster(Datasets.RasterFacts? facts)
    {
        RasterWidth = facts?.Width;
        RasterHeight = facts?.Height;
        RasterBands = facts?.Bands;
        RasterType = facts?.DataType;
        RasterCrs = facts?.Crs;
        RasterBounds = facts?.Bounds4326Json;
        RasterInfo = facts?.InfoJson;
        return this;
    }
}

/// <summary>What a listing of entries asks for: a page after <see cref="After"/>, under <see cref="Prefix"/>, of one type or all.</summary>
public sealed record EntryQuery(string Org, string Dataset, string Prefix, string? Type, string? After, int Limit);

/// <summary>A page of entries; <see cref="NextAfter"/> is null on the last page.</summary>
public sealed record EntryPage(IReadOnlyList<DatasetEntryRow> Entries, string? NextAfter);

public enum DatasetDeleteResult { Deleted, NotFound, InUse }

public enum EntryWriteResult { Written, DatasetNotFound, QuotaExceeded }

public enum EntryMoveResult { Moved, NotFound, TargetExists, DatasetNotFound }
