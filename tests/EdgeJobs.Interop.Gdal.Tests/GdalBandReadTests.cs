using System.Runtime.InteropServices;
using EdgeJobs.Testing;

namespace EdgeJobs.Interop.Gdal.Tests;

/// <summary>Pixel reads against the same raster written and dumped by GDAL's Python bindings (numpy).</summary>
[Category("gdal")]
public class GdalBandReadTests
{
    private const int Width = 300;
    private const int Height = 200;

    /// <summary>A 2-band raster (UInt16 values, tiled 128x128) and each band's pixels as raw little-endian float32.</summary>
    private static async Task<(string Raster, float[][] Bands)> CreateAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "edgejobs-gdal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var raster = Path.Combine(dir, "r.tif");
        var script = $$"""
            from osgeo import gdal
            import numpy as np
            rng = np.random.default_rng(42)
            ds = gdal.GetDriverByName('GTiff').Create('{{raster}}', {{Width}}, {{Height}}, 2, gdal.GDT_UInt16, ['TILED=YES', 'BLOCKXSIZE=128', 'BLOCKYSIZE=128'])
            for b in (1, 2):
                a = rng.integers(0, 65535, size=({{Height}}, {{Width}}), dtype=np.uint16)
                ds.GetRasterBand(b).WriteArray(a)
                a.astype('<f4').tofile('{{raster}}.band%d' % b)
            ds = None
            """;
        await GdalTool.RunAsync("/usr/bin/python3", "-c", script);
        var bands = new float[2][];
        for (var b = 0; b < 2; b++)
        {
            bands[b] = MemoryMarshal.Cast<byte, float>(await File.ReadAllBytesAsync($"{raster}.band{b + 1}")).ToArray();
        }

        return (raster, bands);
    }

    [Test]
    public async Task a_whole_band_read_as_float32_equals_the_numpy_array()
    {
        var (raster, expected) = await CreateAsync();
        using var dataset = GdalDataset.OpenRead(raster);
        for (var b = 1; b <= 2; b++)
        {
            using var band = dataset.GetBand(b);
            var pixels = new float[Width * Height];
            band.Read<float>(0, 0, Width, Height, pixels);
            await Assert.That(pixels).IsEquivalentTo(expected[b - 1], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }
    }

    [Test]
    public async Task a_window_read_as_uint16_equals_the_same_slice()
    {
        var (raster, expected) = await CreateAsync();
        using var dataset = GdalDataset.OpenRead(raster);
        using var band = dataset.GetBand(2);
        const int x = 100, y = 50, w = 150, h = 70;
        var pixels = new ushort[w * h];

        band.Read<ushort>(x, y, w, h, pixels);

        for (var row = 0; row < h; row += 7)
        {
            for (var col = 0; col < w; col += 11)
            {
                await Assert.That((float)pixels[(row * w) + col]).IsEqualTo(expected[1][((y + row) * Width) + x + col]);
            }
        }
    }

    [Test]
    public async Task the_block_size_is_the_tiling_gdal_wrote()
    {
        var (raster, _) = await CreateAsync();
        using var dataset = GdalDataset.OpenRead(raster);
        using var band = dataset.GetBand(1);

        await Assert.That(band.BlockSize).IsEqualTo((128, 128));
    }

    [Test]
    [Arguments(-1, 0, 10, 10)]
    [Arguments(0, 0, Width + 1, 1)]
    [Arguments(290, 190, 20, 5)]
    [Arguments(0, 0, 0, 5)]
    public async Task a_window_outside_the_raster_is_refused_before_calling_gdal(int x, int y, int w, int h)
    {
        var (raster, _) = await CreateAsync();
        using var dataset = GdalDataset.OpenRead(raster);
        using var band = dataset.GetBand(1);

        await Assert.That(() => band.Read<float>(x, y, w, h, new float[Width * Height])).Throws<ArgumentOutOfRangeException>();
    }

    [Test]
    public async Task a_buffer_smaller_than_the_window_is_refused_before_calling_gdal()
    {
        var (raster, _) = await CreateAsync();
        using var dataset = GdalDataset.OpenRead(raster);
        using var band = dataset.GetBand(1);

        await Assert.That(() => band.Read<float>(0, 0, 10, 10, new float[99])).Throws<ArgumentException>();
    }
}
