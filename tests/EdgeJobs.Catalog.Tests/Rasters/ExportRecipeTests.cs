using EdgeJobs.Catalog.Paths;
using EdgeJobs.Catalog.Rasters;
using EdgeJobs.Catalog.Tools;

namespace EdgeJobs.Catalog.Tests.Rasters;

/// <summary>What a preset and the band params resolve to: explicit params win, roles come from bands {…} or band_filter.</summary>
public class ExportRecipeTests
{
    private static ExportRecipe Resolve(string json) =>
        ExportRecipe.Resolve(RasterExportTool.Instance.Read(RasterExportTool.Instance.Check(System.Text.Json.JsonDocument.Parse(json).RootElement).CanonicalJson!));

    [Test]
    public async Task true_color_selects_red_green_blue_from_the_default_roles()
    {
        var recipe = Resolve("""{"path":"a.tif","preset":"true-color"}""");

        await Assert.That(recipe.Selection).IsEquivalentTo(new[] { 3, 2, 1 }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(recipe.Formula).IsNull();
        await Assert.That(recipe.Label).IsEqualTo("true-color");
    }

    [Test]
    public async Task a_band_filter_points_a_composite_at_the_sensors_bands()
    {
        await Assert.That(Resolve("""{"path":"a.tif","preset":"CIR","band_filter":"RGBN"}""").Selection)
            .IsEquivalentTo(new[] { 4, 1, 2 }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(Resolve("""{"path":"a.tif","preset":"ndre","band_filter":"bgrnre"}""").Expression)
            .IsEqualTo("(b4 - b5) / (b4 + b5)");
        await Assert.That(Resolve("""{"path":"a.tif","preset":"true-color","bands":{"red":5,"green":4,"blue":2}}""").Selection)
            .IsEquivalentTo(new[] { 5, 4, 2 }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task explicit_params_override_the_preset()
    {
        var ndvi = Resolve("""{"path":"a.tif","preset":"ndvi"}""");
        await Assert.That((ndvi.Formula, ndvi.Colormap, ndvi.Expression)).IsEqualTo(("ndvi", "rdylgn", "(b4 - b3) / (b4 + b3)"));
        await Assert.That(ndvi.NaturalRange).IsEqualTo((-1.0, 1.0));

        var viridis = Resolve("""{"path":"a.tif","preset":"ndvi","colormap":"viridis","rescale":"0,1"}""");
        await Assert.That((viridis.Formula, viridis.Colormap)).IsEqualTo(("ndvi", "viridis"));
        await Assert.That(viridis.Rescale).IsEquivalentTo(new[] { 0.0, 1.0 }, TUnit.Assertions.Enums.CollectionOrdering.Matching);

        var bands = Resolve("""{"path":"a.tif","preset":"true-color","bands":"1,1,1"}""");
        await Assert.That(bands.Selection).IsEquivalentTo(new[] { 1, 1, 1 }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(bands.Label).IsEqualTo("bands-1-1-1");

        // A formula gives one band: it replaces the composite.
        var formula = Resolve("""{"path":"a.tif","preset":"true-color","formula":"b1 * 2"}""");
        await Assert.That((formula.Selection, formula.Expression)).IsEqualTo(((IReadOnlyList<int>?)null, "b1 * 2"));
    }

    [Test]
    [Arguments("ndvi", "ndvi.tif")]
    [Arguments("field 7/ndvi map", "field_7_ndvi_map.tif")]
    [Arguments("a\\b\u0001c.TIF", "a_b_c.TIF")]
    [Arguments("..hidden.tiff", "hidden.tiff")]
    [Arguments("café", "caf_.tif")]
    public async Task file_names_lose_path_parts_and_control_characters_and_gain_tif(string asked, string offered)
    {
        await Assert.That(DownloadNames.Violation(asked)).IsNull();
        await Assert.That(DownloadNames.Tiff(asked)).IsEqualTo(offered);
    }
}
