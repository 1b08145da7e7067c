using EdgeJobs.Testing;

namespace EdgeJobs.Interop.Gdal.Tests;

/// <summary>GDAL's progress callback: reports progress, and a cancelled token aborts the native work.</summary>
[Category("gdal")]
public class GdalProgressTests
{
    private static async Task<string> CreateAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "edgejobs-gdal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "big.tif");
        await GdalTool.RunAsync("gdal_create", "-q", "-of", "GTiff", "-outsize", "2048", "2048", "-bands", "1", "-ot", "UInt16", "-burn", "9",
            "-co", "TILED=YES", path);
        return path;
    }

    [Test]
    public async Task statistics_report_progress_up_to_one_and_match_the_plain_call()
    {
        var path = await CreateAsync();
        using var dataset = GdalDataset.OpenRead(path);
        using var band = dataset.GetBand(1);
        var reports = new List<double>();

        var computed = band.ComputeStatistics(reports.Add, CancellationToken.None);

        await Assert.That(computed).IsEqualTo(band.Statistics());
        await Assert.That(reports.Count).IsGreaterThan(2);
        await Assert.That(reports[^1]).IsEqualTo(1.0);
        await Assert.That(reports).IsOrderedBy(r => r);
    }

    [Test]
    public async Task a_cancelled_token_aborts_the_native_call_as_operation_cancelled()
    {
        var path = await CreateAsync();
        using var dataset = GdalDataset.OpenRead(path);
        using var band = dataset.GetBand(1);
        using var stop = new CancellationTokenSource();
        var reports = 0;

        await Assert.That(() => band.ComputeStatistics(_ =>
        {
            if (++reports == 2)
            {
                stop.Cancel();
            }
        }, stop.Token)).Throws<OperationCanceledException>();

        await Assert.That(reports).IsEqualTo(2);

        // GDAL is usable afterwards: the error state was reset.
        await Assert.That(band.ComputeStatistics(null, CancellationToken.None).Max).IsEqualTo(9);
    }
}
