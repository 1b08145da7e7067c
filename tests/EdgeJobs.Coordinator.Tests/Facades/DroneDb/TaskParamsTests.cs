using System.Text.Json;
using EdgeJobs.Coordinator.Facades.DroneDb;

namespace EdgeJobs.Coordinator.Tests.Facades.DroneDb;

/// <summary>The seed's param names to the tools' and back, and refusals named as the seed user wrote the field.</summary>
public class TaskParamsTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Test]
    [Arguments("sourcePath", "source_path")]
    [Arguments("bandFilter", "band_filter")]
    [Arguments("path", "path")]
    [Arguments("time_index", "time_index")]
    public async Task camel_case_names_become_snake_case(string seed, string tool)
    {
        await Assert.That(TaskParams.ToSnake(seed)).IsEqualTo(tool);
        await Assert.That(TaskParams.ToCamel(tool)).IsEqualTo(seed == "time_index" ? "timeIndex" : seed);
    }

    [Test]
    public async Task the_top_level_path_goes_into_the_params_nulls_are_not_given_and_nested_names_map_too()
    {
        var mapped = TaskParams.ToTool("raster-export", "orthophoto.tif",
            Json("""{"formula":"NDVI","preset":null,"outputPath":"out/ndvi.tif","bands":{"redEdge":5}}"""));

        await Assert.That(mapped.Violations).IsEmpty();
        await Assert.That(mapped.Params!.Value.GetRawText())
            .IsEqualTo("""{"path":"orthophoto.tif","formula":"NDVI","output":"out/ndvi.tif","bands":{"red_edge":5}}""");
        await Assert.That(mapped.Force).IsFalse();
    }

    [Test]
    public async Task build_s_force_is_the_submit_s_and_two_names_for_one_param_are_refused()
    {
        var build = TaskParams.ToTool("build", null, Json("""{"path":"a.tif","force":true}"""));
        var twice = TaskParams.ToTool("raster-export", null, Json("""{"path":"a.tif","outputPath":"x.tif","output":"y.tif"}"""));
        var differs = TaskParams.ToTool("raster-export", "a.tif", Json("""{"path":"b.tif"}"""));

        await Assert.That(build.Force).IsTrue();
        await Assert.That(build.Params!.Value.GetRawText()).IsEqualTo("""{"path":"a.tif"}""");
        await Assert.That(twice.Violations.Single().Path).IsEqualTo("$.params.output");
        await Assert.That(differs.Violations.Single().Path).IsEqualTo("$.path");
    }

    [Test]
    public async Task canonical_params_are_shown_in_camel_case_with_output_path()
    {
        var shown = TaskParams.ToSeedParams("""{"source_path":"a.tif","reference_path":"b.tif","output":"c.tif","bands":{"red_edge":5},"paths":["x_y.tif"]}""");

        await Assert.That(shown.GetRawText())
            .IsEqualTo("""{"sourcePath":"a.tif","referencePath":"b.tif","outputPath":"c.tif","bands":{"redEdge":5},"paths":["x_y.tif"]}""");
    }

    [Test]
    [Arguments("$.tool", false, "$.toolId")]
    [Arguments("$.version", false, "$.version")]
    [Arguments("$.params.path", true, "$.path")]
    [Arguments("$.params.path", false, "$.params.path")]
    [Arguments("$.params.output", false, "$.params.outputPath")]
    [Arguments("$.params.source_path", false, "$.params.sourcePath")]
    [Arguments("$.params.bands.red_edge", false, "$.params.bands.redEdge")]
    [Arguments("$.params.paths[1]", false, "$.params.paths[1]")]
    public async Task a_violation_names_the_field_as_the_seed_writes_it(string path, bool pathOnTop, string seed)
    {
        await Assert.That(TaskParams.SeedPath(path, pathOnTop)).IsEqualTo(seed);
    }
}
