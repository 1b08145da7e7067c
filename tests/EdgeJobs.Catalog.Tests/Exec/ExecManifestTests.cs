using System.Text.Json;
using EdgeJobs.Catalog.Exec;
using EdgeJobs.Catalog.Tools;

namespace EdgeJobs.Catalog.Tests.Exec;

/// <summary>Every refusal of a manifest names its file and the line of the problem; the shipped manifests are all valid.</summary>
public class ExecManifestTests
{
    private const string Valid = """
        {
          "id": "print-value",
          "version": "1",
          "title": "Echo",
          "params_schema": {
            "type": "object",
            "properties": {
              "text": { "type": "string" },
              "count": { "type": "integer", "minimum": 1, "default": 2 }
            },
            "required": ["text"],
            "additionalProperties": false
          },
          "argv": ["printf", "%s\\n", "{text}"]
        }
        """;

    private static ExecManifestException Refusal(string text, string file = "/tools/echo.json") =>
        Assert.Throws<ExecManifestException>(() => ExecManifest.Parse(text, file, ToolCatalog.BuiltIn.BuiltInIds));

    [Test]
    public async Task a_valid_manifest_parses_with_its_defaults()
    {
        var manifest = ExecManifest.Parse(Valid, "echo.json", ToolCatalog.BuiltIn.BuiltInIds);

        await Assert.That(manifest.Id).IsEqualTo("print-value");
        await Assert.That(manifest.RequiredScope).IsEqualTo("jobs:write");
        await Assert.That(manifest.KillGrace).IsEqualTo(TimeSpan.FromSeconds(10));
        await Assert.That(manifest.HasOutput).IsFalse();
        await Assert.That(manifest.CanonicalJson).DoesNotContain("\n");
    }

    [Test]
    public async Task a_json_syntax_error_names_file_and_line()
    {
        var e = Refusal(Valid.Replace("\"title\": \"Echo\",", "\"title\": \"Echo\"", StringComparison.Ordinal));

        await Assert.That(e.File).IsEqualTo("/tools/echo.json");
        await Assert.That(e.Line).IsEqualTo(5);
        await Assert.That(e.Message).StartsWith("/tools/echo.json:5: ");
    }

    [Test]
    public async Task an_unknown_field_names_its_line()
    {
        var e = Refusal(Valid.Replace("\"title\": \"Echo\",", "\"title\": \"Echo\",\n  \"shell\": true,", StringComparison.Ordinal));

        await Assert.That(e.Line).IsEqualTo(5);
        await Assert.That(e.Reason).Contains("unknown field 'shell'");
    }

    [Test]
    public async Task a_missing_required_field_is_named()
    {
        var e = Refusal(Valid.Replace("\"title\": \"Echo\",", "", StringComparison.Ordinal));

        await Assert.That(e.Reason).Contains("missing required field title");
        await Assert.That(e.Line).IsGreaterThan(0);
    }

    [Test]
    public async Task an_argv_placeholder_naming_no_param_names_its_line()
    {
        var e = Refusal(Valid.Replace("\"{text}\"]", "\"{txet}\"]", StringComparison.Ordinal));

        await Assert.That(e.Line).IsEqualTo(14);
        await Assert.That(e.Reason).Contains("'{txet}' names no param");
    }

    [Test]
    [Arguments("\"{text:path}x{\"")]
    [Arguments("\"{count:path}\"")]
    [Arguments("\"}\"")]
    public async Task malformed_placeholders_are_refused(string item)
    {
        var e = Refusal(Valid.Replace("\"{text}\"]", item + "]", StringComparison.Ordinal));

        await Assert.That(e.Line).IsEqualTo(14);
    }

    [Test]
    public async Task the_program_must_be_a_literal()
    {
        var e = Refusal(Valid.Replace("[\"printf\", ", "[\"{text}\", ", StringComparison.Ordinal));

        await Assert.That(e.Reason).Contains("the program must be a literal");
    }

    [Test]
    public async Task a_built_in_tools_id_is_refused()
    {
        var e = Refusal(Valid.Replace("\"id\": \"print-value\"", "\"id\": \"sleep\"", StringComparison.Ordinal));

        await Assert.That(e.Line).IsEqualTo(2);
        await Assert.That(e.Reason).Contains("built-in");
    }

    [Test]
    public async Task a_schema_keyword_outside_the_subset_names_its_line()
    {
        var e = Refusal(Valid.Replace("\"text\": { \"type\": \"string\" }", "\"text\": { \"type\": \"string\",\n \"format\": \"uri\" }", StringComparison.Ordinal));

        await Assert.That(e.Line).IsEqualTo(9);
        await Assert.That(e.Reason).Contains("'format' is not in the JSON Schema subset");
    }

    [Test]
    public async Task an_unknown_scope_is_refused()
    {
        var e = Refusal(Valid.Replace("\"title\": \"Echo\",", "\"title\": \"Echo\",\n  \"scope\": \"root\",", StringComparison.Ordinal));

        await Assert.That(e.Line).IsEqualTo(5);
        await Assert.That(e.Reason).Contains("scope 'root'");
    }

    [Test]
    public async Task a_progress_regex_without_a_percent_group_is_refused()
    {
        var e = Refusal(Valid.Replace("\"title\": \"Echo\",", "\"title\": \"Echo\",\n  \"progress\": {\"regex\": \"([0-9]+)%\"},", StringComparison.Ordinal));

        await Assert.That(e.Line).IsEqualTo(5);
        await Assert.That(e.Reason).Contains("percent");
    }

    [Test]
    public async Task outputs_without_an_output_placeholder_are_refused()
    {
        var e = Refusal(Valid.Replace("\"title\": \"Echo\",", "\"title\": \"Echo\",\n  \"outputs\": {\"type\": \"file\"},", StringComparison.Ordinal));

        await Assert.That(e.Reason).Contains("no {output}");
    }

    [Test]
    public async Task two_files_with_one_id_are_refused_naming_the_second_and_the_first()
    {
        using var dir = new TempFolder();
        File.WriteAllText(Path.Combine(dir.Path, "a.json"), Valid);
        File.WriteAllText(Path.Combine(dir.Path, "b.json"), Valid);

        var e = Assert.Throws<ExecManifestException>(() => ExecManifestDirectory.Load(dir.Path, ToolCatalog.BuiltIn.BuiltInIds));

        await Assert.That(e.File).IsEqualTo(Path.Combine(dir.Path, "b.json"));
        await Assert.That(e.Line).IsEqualTo(2);
        await Assert.That(e.Reason).Contains(Path.Combine(dir.Path, "a.json"));
    }

    [Test]
    public async Task a_tools_dir_reads_only_its_own_json_files()
    {
        using var dir = new TempFolder();
        File.WriteAllText(Path.Combine(dir.Path, "echo.json"), Valid);
        File.WriteAllText(Path.Combine(dir.Path, "README.md"), "not a manifest");
        Directory.CreateDirectory(Path.Combine(dir.Path, "examples"));
        File.WriteAllText(Path.Combine(dir.Path, "examples", "broken.json"), "{");

        var manifests = ExecManifestDirectory.Load(dir.Path, ToolCatalog.BuiltIn.BuiltInIds);

        await Assert.That(manifests.Select(m => m.Id)).IsEquivalentTo(["print-value"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task the_shipped_manifests_and_the_example_are_valid()
    {
        var shipped = ExecManifestDirectory.Load(ShippedDir(), ToolCatalog.BuiltIn.BuiltInIds);
        var example = ExecManifestDirectory.Load(Path.Combine(ShippedDir(), "examples"), ToolCatalog.BuiltIn.BuiltInIds);

        await Assert.That(shipped.Select(m => m.Id)).IsEquivalentTo(["contour", "grid", "polygonize", "vector-convert"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(example.Select(m => m.Id)).IsEquivalentTo(["mago3d-terrain", "repair-csw-metadata"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(example.Single(m => m.Id == "mago3d-terrain").OutputIsDirectory).IsTrue();
        await Assert.That(example.Single(m => m.Id == "repair-csw-metadata").OutputIsDirectory).IsFalse();
        var contour = new ExecToolDescriptor(shipped.Single(m => m.Id == "contour"));
        var check = contour.Check(JsonDocument.Parse("""{"interval": 10, "path": "dem.tif", "output": "c/olinda.geojson"}""").RootElement);
        await Assert.That(check.CanonicalJson).IsEqualTo("""{"path":"dem.tif","interval":10,"attribute":"elev","output":"c/olinda.geojson","overwrite":false}""");
        await Assert.That(contour.OutputExtension(check.CanonicalJson!)).IsEqualTo(".geojson");
        await Assert.That(contour.InputPaths(check.CanonicalJson!).Single().JsonPath).IsEqualTo("$.params.path");
    }

    [Test]
    public async Task the_csw_repair_example_passes_a_record_id_only_when_given_and_always_says_whether_it_is_a_dry_run()
    {
        var repair = new ExecToolDescriptor(ExecManifestDirectory.Load(Path.Combine(ShippedDir(), "examples"), ToolCatalog.BuiltIn.BuiltInIds)
            .Single(m => m.Id == "repair-csw-metadata"));
        var check = repair.Check(JsonDocument.Parse("""{"path": "hyspex/f1/metadata.xml", "csw_url": "https://csw.example/csw"}""").RootElement);
        using var canonical = JsonDocument.Parse(check.CanonicalJson!);

        var argv = repair.Manifest.Argv.Render(canonical.RootElement, (_, relative) => "/root/" + relative, "/work/output.json");

        await Assert.That(argv).IsEquivalentTo(["python3", "/opt/edgejobs/scripts/repair_csw_metadata.py", "--input", "/root/hyspex/f1/metadata.xml",
            "--csw-url", "https://csw.example/csw", "--dry-run=false", "--report", "/work/output.json"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(repair.Check(JsonDocument.Parse("""{"path": "m.xml", "csw_url": "ftp://csw.example"}""").RootElement).Violations.Single().Path).IsEqualTo("$.params.csw_url");
    }

    [Test]
    public async Task argv_renders_groups_only_with_their_params_and_arrays_as_separate_arguments()
    {
        var shipped = ExecManifestDirectory.Load(ShippedDir(), ToolCatalog.BuiltIn.BuiltInIds);
        var convert = shipped.Single(m => m.Id == "vector-convert");
        using var some = JsonDocument.Parse("""{"path":"in.gpkg","layers":["a b","c"],"where":"x > 1; rm -rf /"}""");

        var argv = convert.Argv.Render(some.RootElement, (_, relative) => "/root/" + relative, "/work/output.gpkg");

        await Assert.That(argv).IsEquivalentTo(["ogr2ogr", "-progress", "-where", "x > 1; rm -rf /", "/work/output.gpkg", "/root/in.gpkg", "a b", "c"],
            TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    private static string ShippedDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var tools = Path.Combine(dir.FullName, "agent", "tools.d");
            if (Directory.Exists(tools))
            {
                return tools;
            }
        }

        throw new DirectoryNotFoundException("agent/tools.d");
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("edgejobs-manifests-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
