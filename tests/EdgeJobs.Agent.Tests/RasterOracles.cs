using EdgeJobs.Interop.Gdal;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests;

/// <summary>Test rasters made with numpy through GDAL's Python bindings, and pixel reads for comparisons.</summary>
internal static partial class RasterOracles
{
    /// <summary>
    /// A 4-band UInt16 GeoTIFF (blue, green, red, nir-like values) with nodata 0 scattered in, width not a
    /// multiple of any vector width, and striped so strips and tiles do not line up.
    /// </summary>
    public static Task WriteMultispectralAsync(string path, int width = 517, int height = 389, int seed = 7) =>
        GdalTool.PythonAsync("""
            import sys, numpy as np
            from osgeo import gdal, osr
            path, w, h, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
            rng = np.random.default_rng(seed)
            ds = gdal.GetDriverByName('GTiff').Create(path, w, h, 4, gdal.GDT_UInt16, ['BLOCKYSIZE=7'])
            ds.SetGeoTransform([600000, 30, 0, 4200000, 0, -30])
            srs = osr.SpatialReference(); srs.ImportFromEPSG(32633); ds.SetProjection(srs.ExportToWkt())
            for b in range(4):
                a = rng.integers(1, 12000, size=(h, w), dtype=np.uint16)
                a[rng.random((h, w)) < 0.03] = 0
                band = ds.GetRasterBand(b + 1)
                band.SetNoDataValue(0)
                band.WriteArray(a)
            ds = None
            """, path, width.ToString(), height.ToString(), seed.ToString());

    /// <summary>Full-resolution band checksums in band order (gdalinfo lists overview checksums on other lines).</summary>
    public static async Task<string[]> ChecksumsAsync(string path) =>
        [.. BandChecksum().Matches(await GdalTool.RunAsync("gdalinfo", "-checksum", path)).Select(m => m.Groups[1].Value)];

    [System.Text.RegularExpressions.GeneratedRegex(@"^Band \d+ Block=.*\n(?:\s+(?!Checksum)\S.*\n)*?\s+Checksum=(\d+)", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex BandChecksum();

    /// <summary>GDAL's COG validator's verdict; throws with its reasons when the file is not a valid COG.</summary>
    public static async Task<string> ValidateCogAsync(string path)
    {
        var (exit, stdout, stderr) = await GdalTool.TryRunAsync(GdalTool.Python, Path.Combine(GdalTool.PythonSamples, "validate_cloud_optimized_geotiff.py"), path);
        return exit == 0 ? stdout : throw new InvalidOperationException($"not a valid COG: {stdout}{stderr}");
    }

    /// <summary>All pixels of a band as float32 (GDAL converts), with the band's nodata.</summary>
    public static (float[] Pixels, double? NoData, int Width, int Height) ReadBand(string path, int band = 1)
    {
        using var dataset = GdalDataset.OpenRead(path);
        using var b = dataset.GetBand(band);
        var pixels = new float[dataset.Width * dataset.Height];
        b.Read<float>(0, 0, dataset.Width, dataset.Height, pixels);
        return (pixels, b.NoData, dataset.Width, dataset.Height);
    }

    public static byte[] ReadBytes(string path, int band)
    {
        using var dataset = GdalDataset.OpenRead(path);
        using var b = dataset.GetBand(band);
        var pixels = new byte[dataset.Width * dataset.Height];
        b.Read<byte>(0, 0, dataset.Width, dataset.Height, pixels);
        return pixels;
    }

    /// <summary>The largest |a − b| over pixels valid in both; counts pixels where exactly one of them is nodata.</summary>
    public static (double MaxDifference, int NoDataMismatches, int Compared) Compare(float[] actual, float actualNoData, float[] expected, float expectedNoData)
    {
        double max = 0;
        var mismatches = 0;
        var compared = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var (a, e) = (actual[i], expected[i]);
            var aMissing = a == actualNoData || float.IsNaN(a);
            var eMissing = e == expectedNoData || float.IsNaN(e);
            if (aMissing != eMissing)
            {
                mismatches++;
            }
            else if (!aMissing)
            {
                max = Math.Max(max, Math.Abs(a - e));
                compared++;
            }
        }

        return (max, mismatches, compared);
    }

    /// <summary>Submits as bob and asserts a 400 whose violations name <paramref name="path"/> with <paramref name="reason"/>, and that nothing was queued.</summary>
    public static async Task AssertRefusedAsync(Cluster cluster, string body, string path, string reason)
    {
        using var response = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", cluster.Api.Bob, body);

        await Assert.That(response.StatusCode).IsEqualTo(System.Net.HttpStatusCode.BadRequest);
        var problem = (await ApiServer.ReadAsync(response, EdgeJobs.Protocol.Rest.RestJsonContext.Default.ProblemDto))!;
        await Assert.That(problem.Errors!.Any(v => v.Path == path && v.Reason.Contains(reason, StringComparison.Ordinal)))
            .IsTrue().Because(System.Text.Json.JsonSerializer.Serialize(problem, EdgeJobs.Protocol.Rest.RestJsonContext.Default.ProblemDto));
        await Assert.That(await cluster.Ledger.CountJobsAsync()).IsEqualTo(0);
    }

    /// <summary>Runs a job to its end and asserts it failed once, fatally, with <paramref name="code"/> and a message containing <paramref name="message"/>.</summary>
    public static async Task AssertFailsAsync(Cluster cluster, string body, string code, string message)
    {
        var job = await cluster.SubmitAndWaitAsync(body);

        await Assert.That(job.Status).IsEqualTo("failed");
        await Assert.That(job.Error!.Code).IsEqualTo(code);
        await Assert.That(job.Error.Message).Contains(message);
        await Assert.That(job.Attempt).IsEqualTo(1);
    }

    /// <summary>Downloads a job's artifact into a file; checks the name it is offered under when given.</summary>
    public static async Task<string> DownloadAsync(Cluster cluster, EdgeJobs.Protocol.Rest.JobDto job, TempDir dir, string name, string? offeredAs = null)
    {
        using var response = await cluster.Api.GetAsync(job.Artifact!.Url.TrimStart('/'), cluster.Api.Bob);
        response.EnsureSuccessStatusCode();
        if (offeredAs is not null && response.Content.Headers.ContentDisposition?.FileNameStar != offeredAs && response.Content.Headers.ContentDisposition?.FileName?.Trim('"') != offeredAs)
        {
            throw new InvalidOperationException($"the artifact is offered as {response.Content.Headers.ContentDisposition}, not {offeredAs}");
        }

        var path = dir.File(name);
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
        return path;
    }
}
