namespace EdgeJobs.Protocol.Rest;

// The datasets' REST shapes (README "REST API v1", issue 12's fixed shapes: add fields, never rename).

/// <summary>A dataset: <c>byte_quota</c> null means no limit; <c>bytes_used</c> and <c>entries</c> are the index's sums.</summary>
public sealed record DatasetDto(string Org, string Name, DateTimeOffset CreatedAt, long? ByteQuota, long BytesUsed, long Entries);

/// <summary><c>GET /v1/datasets</c>: a page of datasets by org and name; <c>next_cursor</c> fetches the next page (null at the end).</summary>
public sealed record DatasetListDto(IReadOnlyList<DatasetDto> Datasets, string? NextCursor = null);

/// <summary>One index entry; <c>mtime</c> is the file's modification time; <c>raster</c> only for files GDAL reads as rasters.</summary>
public sealed record DatasetEntryDto(string Path, string Type, long Size, string Sha256, DateTimeOffset Mtime)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public RasterDto? Raster { get; init; }
}

/// <summary>What the index read from a raster: <c>crs</c> as <c>EPSG:NNNN</c> when recognised, <c>bounds_4326</c> as [west, south, east, north].</summary>
public sealed record RasterDto(long Width, long Height, long Bands, string DataType, string? Crs, IReadOnlyList<double>? Bounds4326);

/// <summary>A page of entries; pass <c>next_cursor</c> back as <c>cursor</c>; null on the last page.</summary>
public sealed record DatasetEntryListDto(IReadOnlyList<DatasetEntryDto> Entries, string? NextCursor);

/// <summary>The optional body of <c>PUT /v1/datasets/{org}/{ds}</c>.</summary>
public sealed record CreateDatasetRequest
{
    public long? ByteQuota { get; init; }
}

/// <summary>The body of <c>POST /v1/datasets/{org}/{ds}/move</c>: an entry, or a folder with everything under it.</summary>
public sealed record MoveRequest
{
    public required string From { get; init; }
    public required string To { get; init; }
}

public sealed record MovedDto(string From, string To, long Moved);

/// <summary>The answer to a part of a resumable upload that is not the last: how much the coordinator holds.</summary>
public sealed record UploadProgressDto(string Path, long Received, long Total);
