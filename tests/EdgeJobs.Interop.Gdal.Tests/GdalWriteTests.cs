using System.Runtime.InteropServices;
using System.Text.Json;
using EdgeJobs.Testing;

namespace EdgeJobs.Interop.Gdal.Tests;

/// <summary>Rasters written through the bindings, read back by GDAL's own tools and Python bindings.</summary>
[Category("gdal")]
public class GdalWriteTests
{
    private static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "edgejobs-gdal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Test]
    public async Task a_written_geotiff_reads_back_identically_with_its_georeferencing_and_nodata()
    {
        var path = Path.Combine(TempDir(), "out.tif");
        const int width = 97, height = 61;
        var pixels = new float[width * height];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = i % 13 == 0 ? -9999f : MathF.Sin(i) * 0.9f;
        }

        using (var dataset = GdalDataset.Create("GTiff", path, width, height, 1, GdalDataType.Float32, ["COMPRESS=DEFLATE", "TILED=YES"]))
        {
            dataset.SetGeoTransform([500000, 10, 0, 4100000, 0, -10]);
            using (var srs = GdalDataset.OpenRead(await MakeReferenceAsync()))
            {
                dataset.SetProjection(srs.ProjectionWkt);
            }

            using var band = dataset.GetBand(1);
            band.SetNoData(-9999);
            band.Write<float>(0, 0, width, height, pixels);
        }

        using var info = JsonDocument.Parse(await GdalTool.RunAsync("gdalinfo", "-json", path));
        var root = info.RootElement;
        await Assert.That(root.GetProperty("geoTransform").EnumerateArray().Select(v => v.GetDouble()).ToArray()).IsEquivalentTo(new double[] { 500000, 10, 0, 4100000, 0, -10 }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(root.GetProperty("bands")[0].GetProperty("noDataValue").GetDouble()).IsEqualTo(-9999);
        await Assert.That(root.GetProperty("metadata").GetProperty("IMAGE_STRUCTURE").GetProperty("COMPRESSION").GetString()).IsEqualTo("DEFLATE");
        await Assert.That(root.GetProperty("coordinateSystem").GetProperty("wkt").GetString()).Contains("UTM zone 33N");

        var dump = path + ".raw";
        // The dataset is kept in a variable: GDAL's SWIG bindings crash when a band outlives its dataset
        // (the very bug SafeGdalDatasetHandle's band references prevent here).
        await GdalTool.RunAsync("/usr/bin/python3", "-c",
            $"from osgeo import gdal; ds = gdal.Open('{path}'); ds.GetRasterBand(1).ReadAsArray().astype('<f4').tofile('{dump}')");
        var readBack = MemoryMarshal.Cast<byte, float>(await File.ReadAllBytesAsync(dump)).ToArray();
        await Assert.That(readBack).IsEquivalentTo(pixels, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task an_unknown_driver_or_an_unwritable_path_is_a_clear_error()
    {
        await Assert.That(() => GdalDataset.Create("NoSuchDriver", Path.Combine(TempDir(), "x.tif"), 1, 1, 1, GdalDataType.Byte))
            .Throws<GdalException>();
        var error = await Assert.That(() => GdalDataset.Create("GTiff", "/proc/edgejobs/nope.tif", 1, 1, 1, GdalDataType.Byte)).Throws<GdalException>();
        await Assert.That(error!.Message).StartsWith("cannot create /proc/edgejobs/nope.tif");
    }

    /// <summary>A UTM 33N raster to borrow a CRS from (the bindings do not parse EPSG codes).</summary>
    private static async Task<string> MakeReferenceAsync()
    {
        var path = Path.Combine(TempDir(), "ref.tif");
        await GdalTool.RunAsync("gdal_create", "-q", "-of", "GTiff", "-outsize", "1", "1", "-a_srs", "EPSG:32633", "-a_ullr", "0", "1", "1", "0", path);
        return path;
    }
}
