using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeJobs.Catalog.Tools;

namespace EdgeJobs.Catalog.Tests.Tools;

/// <summary><c>raster-export</c>'s params at submit: the shapes each param takes, what they canonicalise to, the schema, and every refusal.</summary>
public class RasterExportParamsTests
{
    private static ParamsCheck Check(string json)
    {
        using var document = JsonDocument.Parse(json);
        return RasterExportTool.Instance.Check(document.RootElement.Clone());
    }

    private static string Canonical(string json)
    {
        var check = Check(json);
        return check.CanonicalJson ?? throw new InvalidOperationException(string.Join("; ", check.Violations.Select(v => $"{v.Path}: {v.Reason}")));
    }

    [Test]
    public async Task a_rescale_string_is_the_same_params_as_the_array()
    {
        await Assert.That(Canonical("""{"path":"a.tif","formula":"ndvi","rescale":"-1, 1"}"""))
            .IsEqualTo(Canonical("""{"path":"a.tif","formula":"ndvi","rescale":[-1,1]}"""));
        await Assert.That(Canonical("""{"path":"a.tif","rescale":"0,3000,1,255"}""")).Contains("\"rescale\":[0,3000,1,255]");
    }

    [Test]
    public async Task bands_keep_the_shape_they_came_in()
    {
        await Assert.That(Canonical("""{"path":"a.tif","bands":" 4, 3,2 "}""")).Contains("\"bands\":\"4,3,2\"");
        await Assert.That(Canonical("""{"path":"a.tif","bands":"1,1,1"}""")).Contains("\"bands\":\"1,1,1\"");
        // As numbers (what the CLI sends for --param bands=1), the same selection.
        await Assert.That(Canonical("""{"path":"a.tif","bands":[4, 3, 2]}""")).Contains("\"bands\":\"4,3,2\"");
        await Assert.That(Canonical("""{"path":"a.tif","bands":1}""")).Contains("\"bands\":\"1\"");
        // The roles object reads as it always has: no red_edge appears in it unless given.
        await Assert.That(Canonical("""{"path":"a.tif","formula":"ndvi","bands":{"red":1,"nir":2}}"""))
            .Contains("\"bands\":{\"blue\":1,\"green\":2,\"red\":1,\"nir\":2}");
        await Assert.That(Canonical("""{"path":"a.tif","formula":"ndre","bands":{"red_edge":6}}""")).Contains("\"red_edge\":6");
    }

    [Test]
    [Arguments("NDVI")]
    [Arguments("True-Color")]
    [Arguments("cir")]
    [Arguments("false-color-infrared")]
    public async Task presets_are_accepted_by_their_names_and_aliases_in_any_case(string preset)
    {
        await Assert.That(Check($$"""{"path":"a.tif","preset":"{{preset}}"}""").Violations).IsEmpty();
    }

    [Test]
    public async Task the_schema_shows_both_shapes_of_bands_and_rescale_and_every_name()
    {
        var properties = RasterExportTool.Instance.ParamsSchema["properties"]!;
        var bands = properties["bands"]!["oneOf"]!.AsArray();
        await Assert.That(bands.Select(s => s!["type"]!.ToJsonString())).IsEquivalentTo(new[] { "\"string\"", "\"array\"", "\"integer\"", "\"object\"", "\"null\"" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        var roles = bands.Single(s => s!["type"]!.ToJsonString() == "\"object\"")!;
        await Assert.That(roles["properties"]!["nir"]!["maximum"]!.GetValue<double>()).IsEqualTo(65535);
        await Assert.That(roles["properties"]!.AsObject().ContainsKey("red_edge")).IsTrue();
        await Assert.That(properties["bands"]!["description"]!.GetValue<string>()).Contains("\"4,3,2\"");
        var rescale = properties["rescale"]!["oneOf"]!.AsArray();
        await Assert.That(rescale.Select(s => s!["type"]!.GetValue<string>())).IsEquivalentTo(new[] { "array", "string", "null" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);

        var presets = Names(properties["preset"]!);
        await Assert.That(presets).Contains("true-color").And.Contains("false-color-ir").And.Contains("ndvi").And.Contains("cir");
        await Assert.That(properties["preset"]!["description"]!.GetValue<string>()).Contains("ndvi: NDVI coloured by rdylgn over -1..1");
        var colormaps = Names(properties["colormap"]!);
        foreach (var name in new[] { "viridis", "magma", "inferno", "plasma", "cividis", "greys", "terrain", "rdylgn", "spectral", "rdbu", "greens", "blues", "reds", "ylgn", "ylorrd", "brbg", "piyg", "rdylbu", "viridis_r" })
        {
            await Assert.That(colormaps).Contains(name);
        }

        await Assert.That(properties.AsObject().ContainsKey("band_filter")).IsTrue();
        await Assert.That(properties.AsObject().ContainsKey("file_name")).IsTrue();

        static List<string> Names(JsonNode node) => [.. node["enum"]!.AsArray().Select(v => v!.GetValue<string>())];
    }

    [Test]
    [Arguments("""{"path":"a.tif","preset":"infrared"}""", "$.params.preset", "must be one of: true-color, false-color-ir, ndvi")]
    [Arguments("""{"path":"a.tif","bands":"0,1"}""", "$.params.bands", "band 0 does not exist: bands are numbered from 1")]
    [Arguments("""{"path":"a.tif","bands":"4,three,2"}""", "$.params.bands", "'three' is not a band number")]
    [Arguments("""{"path":"a.tif","bands":"4,,2"}""", "$.params.bands", "has an empty entry")]
    [Arguments("""{"path":"a.tif","bands":"-1"}""", "$.params.bands", "'-1' is not a band number")]
    [Arguments("""{"path":"a.tif","bands":""}""", "$.params.bands", "must list bands")]
    [Arguments("""{"path":"a.tif","bands":"70000"}""", "$.params.bands", "band 70000 is past the last band number")]
    [Arguments("""{"path":"a.tif","bands":[4,"3"]}""", "$.params.bands", "must be a band selection such as \"4,3,2\" (or [4, 3, 2]), or an object")]
    [Arguments("""{"path":"a.tif","bands":true}""", "$.params.bands", "must be a band selection such as")]
    [Arguments("""{"path":"a.tif","bands":[4,0]}""", "$.params.bands", "band 0 does not exist")]
    [Arguments("""{"path":"a.tif","bands":[4.5]}""", "$.params.bands", "'4.5' is not a band number")]
    [Arguments("""{"path":"a.tif","bands":[]}""", "$.params.bands", "must list bands")]
    [Arguments("""{"path":"a.tif","bands":{"nir":0}}""", "$.params.bands.nir", "must be between 1 and 65535")]
    [Arguments("""{"path":"a.tif","bands":{"swir":5}}""", "$.params.bands.swir", "is not a known field")]
    [Arguments("""{"path":"a.tif","formula":"b1 * 2","bands":"4,3,2"}""", "$.params.bands", "a formula reads bands as b1..bN; a band selection exports bands as they are")]
    [Arguments("""{"path":"a.tif","preset":"ndvi","bands":"4,3"}""", "$.params.bands", "the preset ndvi computes a formula")]
    [Arguments("""{"path":"a.tif","bands":"4,3,2","colormap":"viridis"}""", "$.params.colormap", "colours a single band, and the selection has 3")]
    [Arguments("""{"path":"a.tif","preset":"true-color","colormap":"viridis"}""", "$.params.colormap", "the preset true-color exports 3")]
    [Arguments("""{"path":"a.tif","rescale":"-1"}""", "$.params.rescale", "must be \"min,max\" or \"min,max,to_min,to_max\"")]
    [Arguments("""{"path":"a.tif","rescale":"-1,one"}""", "$.params.rescale", "'one' is not a number")]
    [Arguments("""{"path":"a.tif","rescale":"0,1,2"}""", "$.params.rescale", "must be \"min,max\"")]
    [Arguments("""{"path":"a.tif","rescale":"5,5"}""", "$.params.rescale", "min and max must differ")]
    [Arguments("""{"path":"a.tif","rescale":"0,1,0,300"}""", "$.params.rescale", "to_min and to_max must be within 0..255")]
    [Arguments("""{"path":"a.tif","rescale":[0,"1"]}""", "$.params.rescale", "must hold finite numbers")]
    [Arguments("""{"path":"a.tif","rescale":true}""", "$.params.rescale", "must be [min, max] or [min, max, to_min, to_max], or the same as a string")]
    [Arguments("""{"path":"a.tif","colormap":"jet"}""", "$.params.colormap", "must be one of: rdylgn, viridis, greys, terrain, magma")]
    [Arguments("""{"path":"a.tif","formula":"exg","colormap":"greens"}""", "$.params.rescale", "is required with a colormap on exg, which has no fixed range")]
    [Arguments("""{"path":"a.tif","formula":"ndvi","band_filter":"RGX"}""", "$.params.band_filter", "'X' (band 3) is not a band letter")]
    [Arguments("""{"path":"a.tif","formula":"ndvi","band_filter":"RGRN"}""", "$.params.band_filter", "names R twice (bands 1 and 3)")]
    [Arguments("""{"path":"a.tif","formula":"ndvi","band_filter":"RGB"}""", "$.params.band_filter", "ndvi reads the nir band(s), which 'RGB' does not name")]
    [Arguments("""{"path":"a.tif","preset":"false-color-ir","band_filter":"RGB"}""", "$.params.band_filter", "false-color-ir reads the nir band(s)")]
    [Arguments("""{"path":"a.tif","formula":"ndvi","band_filter":"RGBN","bands":{"red":1}}""", "$.params.band_filter", "give one of the two")]
    [Arguments("""{"path":"a.tif","formula":"b1","band_filter":"RGBN"}""", "$.params.band_filter", "only applies to the named indices")]
    [Arguments("""{"path":"a.tif","file_name":""}""", "$.params.file_name", "must not be empty")]
    [Arguments("""{"path":"a.tif","file_name":"   "}""", "$.params.file_name", "must not be empty")]
    [Arguments("""{"path":"a.tif","file_name":"../.."}""", "$.params.file_name", "must contain a letter or a digit")]
    [Arguments("""{"path":"a.tif","file_name":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""", "$.params.file_name", "must be at most 200 characters with the extension (is 202)")]
    [Arguments("""{"path":"a.tif","file_name":7}""", "$.params.file_name", "must be a string")]
    public async Task bad_params_are_refused_naming_the_field(string json, string path, string reason)
    {
        var check = Check(json);

        await Assert.That(check.CanonicalJson).IsNull();
        await Assert.That(check.Violations.Any(v => v.Path == path && v.Reason.Contains(reason, StringComparison.Ordinal)))
            .IsTrue().Because(string.Join("; ", check.Violations.Select(v => $"{v.Path}: {v.Reason}")));
    }

    [Test]
    public async Task every_shape_violation_comes_in_one_answer()
    {
        var check = Check("""{"path":"a.tif","bands":"0","rescale":"x,1","preset":"nope"}""");

        await Assert.That(check.Violations.Select(v => v.Path)).IsEquivalentTo(new[] { "$.params.bands", "$.params.rescale", "$.params.preset" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }
}
