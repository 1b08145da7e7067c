using System.Net;
using EdgeJobs.Testing;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Tests.Guarantees;

public class ValidationTests
{
    [Test]
    public async Task validate_answers_204_for_a_valid_submit_and_the_problem_otherwise_without_side_effects()
    {
        await using var api = await ApiServer.StartAsync();
        var before = await api.SnapshotAsync();

        using var ok = await api.SendAsync(HttpMethod.Post, "v1/jobs/validate", api.Bob, """{"tool":"sleep","params":{"seconds":1}}""");
        using var bad = await api.SendAsync(HttpMethod.Post, "v1/jobs/validate", api.Bob, """{"tool":"sleep","params":{"seconds":-1}}""");

        await Assert.That(ok.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
        await Assert.That(bad.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(bad)).Errors![0].Path).IsEqualTo("$.params.seconds");
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task estimate_returns_the_tools_own_estimate_without_side_effects()
    {
        await using var api = await ApiServer.StartAsync();
        api.WriteInput("in/scene.tif", new string('x', 1234));
        var before = await api.SnapshotAsync();

        using var sleep = await api.SendAsync(HttpMethod.Post, "v1/jobs/estimate", api.Bob, """{"tool":"sleep","params":{"seconds":42.5}}""");
        using var copy = await api.SendAsync(HttpMethod.Post, "v1/jobs/estimate", api.Bob, """{"tool":"copy","params":{"path":"in/scene.tif"}}""");

        var s = (await ApiServer.ReadAsync(sleep, RestJsonContext.Default.EstimateDto))!;
        var c = (await ApiServer.ReadAsync(copy, RestJsonContext.Default.EstimateDto))!;
        await Assert.That(s).IsEqualTo(new EstimateDto(0, 42.5) { EstimatedCredits = 4.25m });
        await Assert.That(c.EstimatedOutputBytes).IsEqualTo(1234);
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    [Arguments("../outside.tif", "must not contain '..'")]
    [Arguments("in/../../outside.tif", "must not contain '..'")]
    [Arguments("/etc/passwd", "must be relative to the data root")]
    [Arguments("missing.tif", "does not exist under the data root")]
    [Arguments("in", "is a directory, not a file")]
    [Arguments("", "must not be empty")]
    [Arguments("in\\\\scene.tif", "contains a character that is not allowed in a path")]
    [Arguments("escape/secret.txt", "leaves the data root")]
    [Arguments("link.tif", "leaves the data root")]
    public async Task input_paths_that_leave_the_data_root_or_do_not_exist_are_400_naming_the_param(string path, string reason)
    {
        await using var api = await ApiServer.StartAsync();
        api.WriteInput("in/scene.tif", "pixels");
        var outside = Path.Combine(Path.GetDirectoryName(api.DataRoot)!, "outside");
        Directory.CreateDirectory(outside);
        await File.WriteAllTextAsync(Path.Combine(outside, "secret.txt"), "secret");
        Directory.CreateSymbolicLink(Path.Combine(api.DataRoot, "escape"), outside);
        File.CreateSymbolicLink(Path.Combine(api.DataRoot, "link.tif"), Path.Combine(outside, "secret.txt"));
        var before = await api.SnapshotAsync();

        using var response = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, "{\"tool\":\"copy\",\"params\":{\"path\":" + System.Text.Json.JsonSerializer.Serialize(path, RestJsonContext.Default.String) + "}}");

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        var problem = await ApiServer.ProblemAsync(response);
        await Assert.That(problem.Errors!.Single()).IsEqualTo(new ViolationDto("$.params.path", reason));
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task a_symlink_that_stays_inside_the_data_root_is_allowed()
    {
        await using var api = await ApiServer.StartAsync();
        api.WriteInput("in/scene.tif", "pixels");
        File.CreateSymbolicLink(Path.Combine(api.DataRoot, "alias.tif"), Path.Combine(api.DataRoot, "in", "scene.tif"));

        using var response = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, """{"tool":"copy","params":{"path":"alias.tif"}}""");

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
    }

    [Test]
    public async Task a_data_root_reached_through_a_symbolic_link_is_still_the_data_root()
    {
        using var dir = new TempDir();
        var real = Directory.CreateDirectory(Path.Combine(dir.Path, "disk", "data")).FullName;
        var link = Path.Combine(dir.Path, "data-link");
        Directory.CreateSymbolicLink(link, real);
        await File.WriteAllTextAsync(Path.Combine(real, "scene.tif"), "pixels");
        await using var api = await ApiServer.StartAsync(configure: o => o with { DataRoot = link });

        using var response = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, """{"tool":"copy","params":{"path":"scene.tif"}}""");

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
    }

    [Test]
    public async Task enum_params_are_in_the_schema_and_enforced()
    {
        await using var api = await ApiServer.StartAsync();
        api.WriteInput("a.tif", "pixels");
        using var tool = await api.GetAsync("v1/tools/copy", api.Bob);
        using var bad = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, """{"tool":"copy","params":{"path":"a.tif","mode":"medium"}}""");

        var schema = (await ApiServer.ReadAsync(tool, RestJsonContext.Default.ToolDto))!.ParamsSchema;
        await Assert.That(schema["properties"]!["mode"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray()).IsEquivalentTo(new[] { "fast", "slow" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(schema["properties"]!["path"]!["description"]!.GetValue<string>()).IsEqualTo("Input file, relative to the data root.");
        await Assert.That((await ApiServer.ProblemAsync(bad)).Errors!.Single()).IsEqualTo(new ViolationDto("$.params.mode", "must be one of: fast, slow"));
    }
}
