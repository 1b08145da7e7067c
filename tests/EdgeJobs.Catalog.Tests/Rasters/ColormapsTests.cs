using EdgeJobs.Catalog.Rasters;

namespace EdgeJobs.Catalog.Tests.Rasters;

/// <summary>The colour maps hold the published colours (matplotlib's tables, ColorBrewer's hex values), in any case, and reversed.</summary>
public class ColormapsTests
{
    private static int Rgb(byte[] table, int value) => (table[value * 3] << 16) | (table[(value * 3) + 1] << 8) | table[(value * 3) + 2];

    [Test]
    [Arguments("viridis", 0x440154, 0x21918c, 0xfde725)]
    [Arguments("magma", 0x000004, 0xb73779, 0xfcfdbf)]
    [Arguments("inferno", 0x000004, 0xbc3754, 0xfcffa4)]
    [Arguments("plasma", 0x0d0887, 0xcc4778, 0xf0f921)]
    [Arguments("cividis", 0x00224e, 0x7d7c78, 0xfee838)]
    public async Task listed_maps_are_matplotlibs_256_colours(string name, int first, int middle, int last)
    {
        var table = Colormaps.Table(name);

        await Assert.That(Colormaps.Stops(name).Count).IsEqualTo(256);
        await Assert.That((Rgb(table, 0), Rgb(table, 128), Rgb(table, 255))).IsEqualTo((first, middle, last));
    }

    [Test]
    [Arguments("rdylgn", 0xa50026, 0xffffbf, 0x006837)]
    [Arguments("spectral", 0x9e0142, 0xffffbf, 0x5e4fa2)]
    [Arguments("rdbu", 0x67001f, 0xf7f7f7, 0x053061)]
    [Arguments("brbg", 0x543005, 0xf5f5f5, 0x003c30)]
    [Arguments("piyg", 0x8e0152, 0xf7f7f7, 0x276419)]
    [Arguments("rdylbu", 0xa50026, 0xffffbf, 0x313695)]
    public async Task diverging_colorbrewer_maps_are_the_published_11_classes(string name, int low, int middle, int high)
    {
        var stops = Colormaps.Stops(name);

        await Assert.That(stops.Count).IsEqualTo(11);
        await Assert.That((Hex(stops[0]), Hex(stops[5]), Hex(stops[10]))).IsEqualTo((low, middle, high));
    }

    [Test]
    [Arguments("greens", 0xf7fcf5, 0x00441b)]
    [Arguments("blues", 0xf7fbff, 0x08306b)]
    [Arguments("reds", 0xfff5f0, 0x67000d)]
    [Arguments("ylgn", 0xffffe5, 0x004529)]
    [Arguments("ylorrd", 0xffffcc, 0x800026)]
    [Arguments("bugn", 0xf7fcfd, 0x00441b)]
    public async Task sequential_colorbrewer_maps_are_the_published_9_classes(string name, int low, int high)
    {
        var stops = Colormaps.Stops(name);

        await Assert.That(stops.Count).IsEqualTo(9);
        await Assert.That((Hex(stops[0]), Hex(stops[8]))).IsEqualTo((low, high));
    }

    [Test]
    public async Task names_match_in_any_case_and_name_r_is_the_map_reversed()
    {
        var viridis = Colormaps.Table("viridis");
        var reversed = Colormaps.Table("Viridis_R");

        await Assert.That(Colormaps.Table("VIRIDIS")).IsEquivalentTo(viridis, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(Enumerable.Range(0, 256).All(v => Rgb(reversed, v) == Rgb(viridis, 255 - v))).IsTrue();
        await Assert.That(Colormaps.AllNames.Count).IsEqualTo(Colormaps.Names.Count * 2);
        await Assert.That(Colormaps.Names.Take(4)).IsEquivalentTo(new[] { "rdylgn", "viridis", "greys", "terrain" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(Colormaps.Names.Distinct().Count()).IsEqualTo(Colormaps.Names.Count);
    }

    private static int Hex(Colormaps.Stop s) => (s.R << 16) | (s.G << 8) | s.B;
}
