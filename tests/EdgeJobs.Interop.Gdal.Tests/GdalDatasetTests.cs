using System.Text.Json;
using EdgeJobs.Testing;

namespace EdgeJobs.Interop.Gdal.Tests;

[Category("gdal")]
public class GdalDatasetTests
{
    private static async Task<string> CreateAsync(string dir, string type = "UInt16")
    {
        var path = Path.Combine(dir, "test.tif");
        await GdalTool.RunAsync("gdal_create", "-q", "-of", "GTiff", "-outsize", "64", "32", "-bands", "2", "-ot", type,
            "-burn", "7", "-burn", "300", "-a_srs", "EPSG:4326", "-a_ullr", "10", "50", "11", "49", "-a_nodata", "0", path);
        return path;
    }

    private static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "edgejobs-gdal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Test]
    public async Task metadata_matches_gdalinfo()
    {
        var path = await CreateAsync(TempDir());
        using var oracle = JsonDocument.Parse(await GdalTool.RunAsync("gdalinfo", "-json", path));
        var expected = oracle.RootElement;

        using var dataset = GdalDataset.OpenRead(path);

        await Assert.That(dataset.Driver).IsEqualTo(expected.GetProperty("driverShortName").GetString());
        await Assert.That(dataset.Width).IsEqualTo(expected.GetProperty("size")[0].GetInt32());
        await Assert.That(dataset.Height).IsEqualTo(expected.GetProperty("size")[1].GetInt32());
        await Assert.That(dataset.BandCount).IsEqualTo(expected.GetProperty("bands").GetArrayLength());
        await Assert.That(dataset.GeoTransform!).IsEquivalentTo(expected.GetProperty("geoTransform").EnumerateArray().Select(v => v.GetDouble()).ToArray(), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(dataset.ProjectionWkt).Contains("WGS 84");
        for (var i = 1; i <= dataset.BandCount; i++)
        {
            using var band = dataset.GetBand(i);
            var oracleBand = expected.GetProperty("bands")[i - 1];
            await Assert.That(band.DataType).IsEqualTo(oracleBand.GetProperty("type").GetString());
            await Assert.That(band.NoData).IsEqualTo(oracleBand.GetProperty("noDataValue").GetDouble());
        }
    }

    [Test]
    public async Task statistics_match_gdalinfo_stats()
    {
        var path = await CreateAsync(TempDir());
        using var oracle = JsonDocument.Parse(await GdalTool.RunAsync("gdalinfo", "-json", "-stats", path));
        File.Delete(path + ".aux.xml");

        using var dataset = GdalDataset.OpenRead(path);
        using var band = dataset.GetBand(2);
        var (min, max, mean, stdDev) = band.Statistics();

        var expected = oracle.RootElement.GetProperty("bands")[1];
        await Assert.That(min).IsEqualTo(expected.GetProperty("minimum").GetDouble());
        await Assert.That(max).IsEqualTo(expected.GetProperty("maximum").GetDouble());
        await Assert.That(mean).IsEqualTo(expected.GetProperty("mean").GetDouble());
        await Assert.That(stdDev).IsEqualTo(expected.GetProperty("stdDev").GetDouble());
    }

    [Test]
    public async Task a_missing_file_is_a_gdal_exception_with_gdals_own_message()
    {
        var missing = Path.Combine(TempDir(), "nope.tif");

        var error = await Assert.That(() => GdalDataset.OpenRead(missing)).Throws<GdalException>();

        await Assert.That(error!.ErrorNumber).IsEqualTo(4);
        await Assert.That(error.Message).Contains("nope.tif");
    }

    [Test]
    public async Task a_file_that_is_not_a_raster_is_a_clear_error_and_the_error_state_is_reset()
    {
        var text = Path.Combine(TempDir(), "notes.txt");
        await File.WriteAllTextAsync(text, "not pixels");

        var error = await Assert.That(() => GdalDataset.OpenRead(text)).Throws<GdalException>();
        await Assert.That(error!.Message).StartsWith($"cannot open {text} as a raster: ");
        await Assert.That(error.ErrorNumber).IsNotEqualTo(0);

        var path = await CreateAsync(TempDir());
        using var ok = GdalDataset.OpenRead(path);
        await Assert.That(ok.Width).IsEqualTo(64);
    }

    [Test]
    public async Task a_band_keeps_its_dataset_open_after_the_dataset_is_disposed()
    {
        var path = await CreateAsync(TempDir());
        var dataset = GdalDataset.OpenRead(path);
        var band = dataset.GetBand(1);

        dataset.Dispose();

        await Assert.That(band.DataType).IsEqualTo("UInt16");
        await Assert.That(() => dataset.Width).Throws<ObjectDisposedException>();
        band.Dispose();
        await Assert.That(() => band.DataType).Throws<ObjectDisposedException>();
    }

    [Test]
    public async Task band_indexes_are_one_based_and_checked_before_crossing_into_gdal()
    {
        var path = await CreateAsync(TempDir());
        using var dataset = GdalDataset.OpenRead(path);

        await Assert.That(() => dataset.GetBand(0)).Throws<ArgumentOutOfRangeException>();
        await Assert.That(() => dataset.GetBand(3)).Throws<ArgumentOutOfRangeException>();
    }

    [Test]
    public async Task the_loaded_gdal_reports_its_version()
    {
        await Assert.That(GdalLibrary.Version).StartsWith("3.");
    }
}
