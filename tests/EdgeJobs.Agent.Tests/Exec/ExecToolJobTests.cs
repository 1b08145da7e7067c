using System.Diagnostics;
using System.Net;
using System.Text.Json;
using EdgeJobs.Catalog.Exec;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests.Exec;

/// <summary>
/// Exec tools end to end: a real coordinator and real agents on loopback, manifests advertised in the Hello and
/// checked again, the catalog serving them, submit validating by their schema, and real programs run as jobs.
/// </summary>
public class ExecToolJobTests
{
    internal static string ShippedDir()
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

    private static ExecManifest Echo(string argv = """["printf", "%s\\n", "{value}"]""", string extra = "") => ExecManifest.Parse(
        $$$"""{"id":"print-value","version":"1","title":"Echo","params_schema":{"type":"object","properties":{"value":{"type":"string","minLength":1}},"required":["value"],"additionalProperties":false},"argv":{{{argv}}}{{{extra}}}}""",
        "echo.json", Catalog.Tools.ToolCatalog.BuiltIn.BuiltInIds);

    [Test]
    [Category("gdal")]
    public async Task the_shipped_contour_tool_draws_a_geopackage_of_a_real_dem()
    {
        await using var cluster = await Cluster.StartAsync();
        Samples.CopyTo("olinda_dem_utm25s.tif", cluster.Api.DataRoot, "dem/olinda.tif");
        await cluster.AddAgentAsync("gdal-node", execTools: AgentService.LoadExecTools(ShippedDir()));

        using (var tool = await cluster.Api.GetAsync("v1/tools/contour", cluster.Api.Bob))
        {
            await Assert.That(tool.StatusCode).IsEqualTo(HttpStatusCode.OK);
            using var body = JsonDocument.Parse(await tool.Content.ReadAsStringAsync());
            var schema = body.RootElement.GetProperty("params_schema");
            await Assert.That(schema.GetProperty("properties").GetProperty("interval").GetProperty("type").GetString()).IsEqualTo("number");
            await Assert.That(schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()!)).IsEquivalentTo(["path", "interval"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }

        var job = await cluster.SubmitAndWaitAsync("""{"tool":"contour","params":{"path":"dem/olinda.tif","interval":10,"output":"contours/olinda.gpkg"}}""", TimeSpan.FromSeconds(120));

        await Assert.That(job.Status).IsEqualTo("completed").Because(job.Error?.Message ?? "");
        var gpkg = Path.Combine(cluster.Api.DataRoot, "contours", "olinda.gpkg");
        var info = await RunAsync("ogrinfo", "-so", "-al", gpkg);
        await Assert.That(info).Contains("Geometry: Line String");
        await Assert.That(info).Contains("elev: Real");
        var features = long.Parse(info.Split('\n').Single(l => l.StartsWith("Feature Count: ", StringComparison.Ordinal))["Feature Count: ".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await Assert.That(features).IsGreaterThan(10);
        using var artifact = await cluster.Api.GetAsync($"v1/jobs/{job.Id}/artifact", cluster.Api.Bob);
        await Assert.That(artifact.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(artifact.Content.Headers.ContentDisposition!.FileName!.Trim('"')).IsEqualTo("contours.gpkg");
        var bytes = await artifact.Content.ReadAsByteArrayAsync();
        await Assert.That(System.Text.Encoding.ASCII.GetString(bytes, 0, 15)).IsEqualTo("SQLite format 3");
        await Assert.That(bytes.Length).IsEqualTo((int)new FileInfo(gpkg).Length);
        await Assert.That(job.Progress!.Percent).IsEqualTo(100);
    }

    [Test]
    [Category("gdal")]
    public async Task the_other_shipped_tools_run_on_real_data()
    {
        await using var cluster = await Cluster.StartAsync();
        Samples.CopyTo("olinda_dem_utm25s.tif", cluster.Api.DataRoot, "dem/olinda.tif");
        Samples.CopyTo("elev.tif", cluster.Api.DataRoot, "dem/elev.tif");
        await cluster.AddAgentAsync("gdal-node", execTools: AgentService.LoadExecTools(ShippedDir()));
        var timeout = TimeSpan.FromSeconds(120);
        async Task<string> InfoAsync(string relative) => await RunAsync("ogrinfo", "-so", "-al", Path.Combine(cluster.Api.DataRoot, relative));

        var contour = await cluster.SubmitAndWaitAsync("""{"tool":"contour","params":{"path":"dem/olinda.tif","interval":20,"output":"v/lines.gpkg"}}""", timeout);
        var convert = await cluster.SubmitAndWaitAsync("""{"tool":"vector-convert","params":{"path":"v/lines.gpkg","where":"elev >= 40","output":"v/lines.geojson"}}""", timeout);
        var grid = await cluster.SubmitAndWaitAsync("""{"tool":"grid","params":{"path":"v/lines.gpkg","zfield":"elev","width":64,"height":48,"output":"r/grid.tif"}}""", timeout);
        var polygons = await cluster.SubmitAndWaitAsync("""{"tool":"polygonize","params":{"path":"dem/elev.tif","field":"height","output":"v/areas.gpkg"}}""", timeout);

        foreach (var job in new[] { contour, convert, grid, polygons })
        {
            await Assert.That(job.Status).IsEqualTo("completed").Because($"{job.Tool}: {job.Error?.Message}");
        }

        var geojson = await File.ReadAllTextAsync(Path.Combine(cluster.Api.DataRoot, "v", "lines.geojson"));
        await Assert.That(geojson).Contains("\"type\": \"FeatureCollection\"");
        await Assert.That(geojson).DoesNotContain("\"elev\": 20.0");
        var raster = await RunAsync("gdalinfo", Path.Combine(cluster.Api.DataRoot, "r", "grid.tif"));
        await Assert.That(raster).Contains("Size is 64, 48");
        var areas = await InfoAsync("v/areas.gpkg");
        await Assert.That(areas).Contains("height: Integer");
        await Assert.That(areas).Contains("Geometry: Polygon");
    }

    [Test]
    public async Task submit_validates_params_by_the_manifests_schema_naming_each_param()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("node", execTools: AgentService.LoadExecTools(ShippedDir()).Where(m => m.Id == "contour").ToList());
        cluster.Api.WriteInput("dem.tif", "not read at submit");

        using var response = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", cluster.Api.Bob,
            """{"tool":"contour","params":{"path":"dem.tif","interval":0,"attribute":"1bad","shell":"rm -rf /"}}""");
        var problem = await ApiServer.ProblemAsync(response);

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That(problem.ErrorCode).IsEqualTo("invalid_params");
        await Assert.That(problem.Errors!.Select(e => e.Path)).IsEquivalentTo(["$.params.interval", "$.params.attribute", "$.params.shell"], TUnit.Assertions.Enums.CollectionOrdering.Matching);

        using var missing = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", cluster.Api.Bob, """{"tool":"contour","params":{"path":"nope.tif","interval":5}}""");
        var missingProblem = await ApiServer.ProblemAsync(missing);
        await Assert.That(missingProblem.Errors!.Single().Path).IsEqualTo("$.params.path");
    }

    [Test]
    public async Task a_job_runs_the_program_and_its_output_reaches_the_job_log()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("node", execTools: [Echo()]);

        var job = await cluster.SubmitAndWaitAsync("""{"tool":"print-value","params":{"value":"a; b && c"}}""");

        await Assert.That(job.Status).IsEqualTo("completed");
        using var log = await cluster.Api.GetAsync($"v1/jobs/{job.Id}/log", cluster.Api.Bob);
        await Assert.That(await log.Content.ReadAsStringAsync()).Contains("\"a; b && c\"");
    }

    [Test]
    public async Task a_job_reports_the_cpu_seconds_its_program_spent()
    {
        await using var cluster = await Cluster.StartAsync();
        // A child of the program's shell spends 0.6 s of CPU (its own clock, however loaded the machine): the agent counts
        // what its reaped children spent, grandchildren included when their parent waited for them.
        await cluster.AddAgentAsync("node", execTools: [Echo("""["sh", "-c", "/usr/bin/python3 -c 'import time\nwhile time.process_time() < 0.6: pass'", "{value}"]""")]);

        var job = await cluster.SubmitAndWaitAsync("""{"tool":"print-value","params":{"value":"x"}}""");

        await Assert.That(job.Status).IsEqualTo("completed").Because(job.Error?.Message ?? "");
        await Assert.That(job.CpuSeconds).IsNotNull();
        await Assert.That(job.CpuSeconds!.Value).IsGreaterThanOrEqualTo(0.6);
    }

    [Test]
    public async Task the_manifest_timeout_fails_the_job_with_code_timeout()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("node", execTools: [Echo("""["sleep", "60", "{value}"]""", ""","timeout_s": 1""")]);

        var job = await cluster.SubmitAndWaitAsync("""{"tool":"print-value","params":{"value":"1"}}""");

        await Assert.That(job.Status).IsEqualTo("failed");
        await Assert.That(job.Error!.Code).IsEqualTo("timeout");
    }

    [Test]
    public async Task a_stopped_job_ends_stopped_with_its_program_gone()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("node", execTools: [Echo("""["sh", "-c", "echo pid=$$; sleep 1000 & wait", "{value}"]""")]);
        using var submit = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", cluster.Api.Bob, """{"tool":"print-value","params":{"value":"x"}}""");
        var id = (await ApiServer.ReadAsync(submit, RestJsonContext.Default.JobDto))!.Id;
        string? pid = null;
        await Cluster.WaitForAsync(async () =>
        {
            using var log = await cluster.Api.GetAsync($"v1/jobs/{id}/log", cluster.Api.Bob);
            var text = await log.Content.ReadAsStringAsync();
            var at = text.IndexOf("\"pid=", StringComparison.Ordinal);
            pid = at < 0 ? null : new string([.. text[(at + 5)..].TakeWhile(char.IsAsciiDigit)]);
            return pid is { Length: > 0 };
        }, TimeSpan.FromSeconds(30), "the program's pid in the log");

        using var stop = await cluster.Api.SendAsync(HttpMethod.Post, $"v1/jobs/{id}/stop", cluster.Api.Bob);
        var job = await cluster.WaitForStateAsync(id, s => s.IsTerminal(), TimeSpan.FromSeconds(30));

        await Assert.That(job.JobState.ToString()).IsEqualTo("Stopped");
        await Assert.That(Tools.Exec.ProcessGroup.Members(int.Parse(pid!, System.Globalization.CultureInfo.InvariantCulture))).IsEmpty();
    }

    [Test]
    public async Task a_different_manifest_under_a_known_version_is_refused_to_its_agent_only()
    {
        await using var cluster = await Cluster.StartAsync();
        var first = await cluster.AddAgentAsync("first", execTools: [Echo()]);
        await cluster.AddAgentAsync("second", execTools: [Echo("""["echo", "{value}"]""")]);

        using var nodes = await cluster.Api.GetAsync("v1/nodes", cluster.Api.Admin);
        using var body = JsonDocument.Parse(await nodes.Content.ReadAsStringAsync());
        var tools = body.RootElement.GetProperty("nodes").EnumerateArray()
            .ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("id").GetString()).ToList());

        await Assert.That(tools["first"]).Contains("print-value");
        await Assert.That(tools["second"]).DoesNotContain("print-value");
        await Assert.That(tools["second"]).Contains("sleep");
        var job = await cluster.SubmitAndWaitAsync("""{"tool":"print-value","params":{"value":"hi"}}""");
        await Assert.That(job.NodeId).IsEqualTo(first.NodeId);
    }

    [Test]
    public async Task after_a_coordinator_restart_a_known_exec_tool_is_still_served_and_its_jobs_wait()
    {
        var cluster = await Cluster.StartAsync();
        var agent = await cluster.AddAgentAsync("node", execTools: [Echo()]);
        await cluster.StopAgentAsync(agent);
        await using var restarted = await cluster.Api.RestartAsync();
        try
        {
            using var tool = await restarted.GetAsync("v1/tools/print-value", restarted.Bob);
            await Assert.That(tool.StatusCode).IsEqualTo(HttpStatusCode.OK);

            using var submit = await restarted.SendAsync(HttpMethod.Post, "v1/jobs", restarted.Bob, """{"tool":"print-value","params":{"value":"later"}}""");
            var job = await ApiServer.ReadAsync(submit, RestJsonContext.Default.JobDto);

            await Assert.That(submit.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
            await Assert.That(job!.Status).IsEqualTo("scheduled");
            await Assert.That(job.Warnings!.Single()).Contains("no connected agent has exec tool 'print-value'");
            using var bad = await restarted.SendAsync(HttpMethod.Post, "v1/jobs", restarted.Bob, """{"tool":"print-value","params":{}}""");
            await Assert.That((await ApiServer.ProblemAsync(bad)).Errors!.Single().Path).IsEqualTo("$.params.value");
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{program} exited {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}");
    }
}
