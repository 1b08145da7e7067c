using System.Globalization;
using System.Text;

namespace EdgeJobs.Smoke.Tests;

/// <summary>
/// Every raster tool on a 20,000 × 20,000 raster through the published `edgejobs up`, one fresh process per
/// tool: its peak resident memory (coordinator and embedded agent together) stays within a few hundred MB.
/// scripts/bench-memory reports the same peaks on a noisier input, with timings.
/// </summary>
[NotInParallel("edgejobs-binary")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class RasterMemoryTests
{
    private const int Size = 20_000;
    private const long Limit = 512L << 20;
    private static readonly string s_dir = Path.Combine(Path.GetTempPath(), "edgejobs-smoke", "raster-memory-" + Guid.NewGuid().ToString("N"));
    private static readonly Lazy<Task> s_inputs = new(CreateInputsAsync);

    private static string DataDir => Path.Combine(s_dir, "data");

    [Test]
    [Arguments("raster-export", """{"path":"big.tif","formula":"sqrt(b1) * 2 + 1","compression":"zstd"}""")]
    [Arguments("build", """{"path":"big.tif"}""")]
    [Arguments("merge-multispectral", """{"paths":["big.tif","big.tif"]}""")]
    [Arguments("reproject", """{"path":"big.tif","crs":"EPSG:4326"}""")]
    [Arguments("nc-to-geotiff", """{"path":"big.nc","variable":"Band1"}""")]
    [Arguments("merge-terrain", """{"paths":["big.tif","big.tif"],"hillshade":true}""")]
    [Arguments("align-raster", """{"source_path":"big.tif","reference_path":"big.tif","mode":"translation"}""")]
    [Arguments("info", """{"path":"big.tif"}""")]
    public async Task a_20000_square_raster_is_processed_in_a_few_hundred_megabytes(string tool, string paramsJson)
    {
        await s_inputs.Value;
        var (up, env) = await UpProcess.StartAsync(DataDir);
        await using var _ = up;

        // Memory is what is measured, not time: a 20,000² job on a loaded 2-core machine may take minutes.
        var job = await Binary.RunAsync(Binary.EdgeJobs, ["submit", tool, "--params-json", paramsJson, "--force", "--wait"], env, timeout: TimeSpan.FromMinutes(10));

        await Assert.That(job.Exit).IsEqualTo(0).Because(job.Stdout + job.Stderr);
        var peak = up.PeakResidentBytes;
        Console.WriteLine($"{tool}: edgejobs up peaked at {peak >> 20} MiB");
        await Assert.That(peak).IsLessThan(Limit).Because($"edgejobs up peaked at {peak >> 20} MiB running {tool}");
        await Assert.That(await up.TerminateAsync(TimeSpan.FromSeconds(20))).IsEqualTo(0);
        // The artifacts are large: keep only the ledger between tools.
        Directory.Delete(Path.Combine(DataDir, "artifacts"), recursive: true);
    }

    [After(Class)]
    public static void DeleteInputs()
    {
        if (Directory.Exists(s_dir))
        {
            Directory.Delete(s_dir, recursive: true);
        }
    }

    /// <summary>
    /// A georeferenced Byte raster with texture (a 40 × 40 random grid upsampled by cubic convolution: smooth
    /// relief the COG, warp, hillshade and registration steps all have to work on), and the same as NetCDF.
    /// </summary>
    private static async Task CreateInputsAsync()
    {
        var root = Path.Combine(DataDir, "data");
        Directory.CreateDirectory(root);
        var seed = Path.Combine(s_dir, "seed.asc");
        var random = new Random(5);
        var grid = new StringBuilder("ncols 40\nnrows 40\nxllcorner 0\nyllcorner 0\ncellsize 1\n");
        for (var row = 0; row < 40; row++)
        {
            grid.AppendJoin(' ', Enumerable.Range(0, 40).Select(_ => random.Next(20, 236).ToString(CultureInfo.InvariantCulture))).Append('\n');
        }

        await File.WriteAllTextAsync(seed, grid.ToString());
        var size = Size.ToString(CultureInfo.InvariantCulture);
        var tif = Path.Combine(root, "big.tif");
        await RunGdalAsync("gdal_translate", "-q", "-ot", "Byte", "-outsize", size, size, "-r", "cubic",
            "-a_srs", "EPSG:32633", "-a_ullr", "500000", "4600000", "700000", "4400000", seed, tif);
        await RunGdalAsync("gdal_translate", "-q", "-of", "netCDF", tif, Path.Combine(root, "big.nc"));
    }

    private static async Task RunGdalAsync(string tool, params string[] args)
    {
        // Writing 400 MB twice (GeoTIFF, then NetCDF) is slow when the other test projects load both cores:
        // this is the fixture, not what the test measures, so it gets minutes rather than the default minute.
        var (exit, stdout, stderr) = await Binary.RunAsync(tool, args, timeout: TimeSpan.FromMinutes(10));
        if (exit != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({exit}): {stdout}{stderr}");
        }
    }
}
