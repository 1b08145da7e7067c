namespace EdgeJobs.Protocol.Datasets;

/// <summary>
/// The type of a dataset entry, from its file name's extension (case-insensitive): the index's
/// <c>type</c> column and the <c>type</c> filter of an entry listing. Decided by name alone, so an upload
/// is indexed without reading it; what a raster really holds is <c>info</c>'s business.
/// </summary>
public static class EntryTypes
{
    public const string Raster = "raster";
    public const string Vector = "vector";
    public const string PointCloud = "pointcloud";
    public const string Image = "image";
    public const string Archive = "archive";
    public const string Other = "other";

    public static readonly string[] All = [Raster, Vector, PointCloud, Image, Archive, Other];

    // Two-part extensions first: "scene.tar.gz" is an archive, not a gzip of unknown kind.
    private static readonly (string Suffix, string Type)[] s_compound =
    [
        (".tar.gz", Archive), (".tar.bz2", Archive), (".tar.xz", Archive), (".tar.zst", Archive),
    ];

    private static readonly Dictionary<string, string> s_byExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        // GDAL rasters: GeoTIFF/COG, virtual rasters, JPEG 2000, NetCDF, HDF, ERDAS, ENVI, DEMs, grids.
        [".tif"] = Raster, [".tiff"] = Raster, [".vrt"] = Raster, [".jp2"] = Raster, [".nc"] = Raster,
        [".nc4"] = Raster, [".hdf"] = Raster, [".h5"] = Raster, [".img"] = Raster, [".dem"] = Raster,
        [".asc"] = Raster, [".grd"] = Raster, [".bil"] = Raster, [".ecw"] = Raster, [".sid"] = Raster,
        [".dt2"] = Raster, [".hgt"] = Raster, [".grib"] = Raster, [".grib2"] = Raster, [".zarr"] = Raster,
        // OGR vectors.
        [".geojson"] = Vector, [".gpkg"] = Vector, [".shp"] = Vector, [".kml"] = Vector,
        [".kmz"] = Vector, [".gml"] = Vector, [".gpx"] = Vector, [".fgb"] = Vector, [".parquet"] = Vector,
        [".dxf"] = Vector, [".mbtiles"] = Vector, [".pbf"] = Vector,
        // Point clouds.
        [".las"] = PointCloud, [".laz"] = PointCloud, [".copc"] = PointCloud, [".ply"] = PointCloud, [".e57"] = PointCloud,
        // Pictures without georeferencing of their own (drone photos; their world files are "other").
        [".jpg"] = Image, [".jpeg"] = Image, [".png"] = Image, [".gif"] = Image, [".webp"] = Image,
        [".bmp"] = Image, [".heic"] = Image, [".dng"] = Image,
        // Archives (archive-extract reads them).
        [".zip"] = Archive, [".tar"] = Archive, [".tgz"] = Archive, [".gz"] = Archive, [".bz2"] = Archive,
        [".xz"] = Archive, [".7z"] = Archive,
    };

    /// <summary>The type of the entry at <paramref name="path"/> (a dataset path, '/'-separated).</summary>
    public static string Of(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        foreach (var (suffix, type) in s_compound)
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return type;
            }
        }

        var dot = name.LastIndexOf('.');
        return dot > 0 && s_byExtension.TryGetValue(name[dot..], out var found) ? found : Other;
    }

    public static bool IsKnown(string type) => Array.IndexOf(All, type) >= 0;
}
