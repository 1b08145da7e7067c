namespace EdgeJobs.Coordinator.Facades.OgcApi;

/// <summary>The media type of an artifact, from its file name, for the <c>type</c> of a result's link.</summary>
internal static class MediaTypes
{
    public const string Binary = "application/octet-stream";

    public static string Of(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".tif" or ".tiff" => "image/tiff; application=geotiff",
        ".json" => "application/json",
        ".geojson" => "application/geo+json",
        ".gpkg" => "application/geopackage+sqlite3",
        ".zip" => "application/zip",
        ".txt" => "text/plain; charset=utf-8",
        ".csv" => "text/csv",
        _ => Binary,
    };
}
