using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests.Recipes;

/// <summary>
/// Recipe jobs end to end on real agents and real GDAL: each step runs as a step job, an earlier step's artifact reaches
/// the next step over HTTP by reference (its lease's URL), and the recipe job shows its steps and timeline.
/// </summary>
[Category("gdal")]
public class RecipeJobTests
{
    private const string ReprojectThenBuild = """
        {"recipe":{"name":"reproject-then-build","version":"1","steps":[
           {"id":"reproject","tool":"reproject","params":{"path":"input:scene"},"param_keys":["crs"]},
           {"id":"build","tool":"build","params":{"path":"step:reproject.output","overviews":2}}]},
         "inputs":{"scene":"landsat/L7_ETMs.tif"},
         "params":{"reproject":{"crs":"EPSG:3857"}},
         "outputs":{"step:build.output":"results/site/L7.cog.tif"}}
        """;

    [Test]
    public async Task reproject_then_build_hands_the_reprojected_raster_to_the_build_step_and_ends_completed()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "landsat/L7_ETMs.tif");
        using var dir = new TempDir();

        var job = await cluster.SubmitAndWaitAsync(ReprojectThenBuild, TimeSpan.FromSeconds(60));

        await Assert.That(job.Status).IsEqualTo("completed");
        await Assert.That(job.Tool).IsEqualTo("recipe");
        await Assert.That(job.Recipe!.Name).IsEqualTo("reproject-then-build");
        await Assert.That(job.Steps!.Select(s => (s.Id, s.Status)).ToArray()).IsEquivalentTo(new[] { ("reproject", "completed"), ("build", "completed") }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(job.Steps![1].DependsOn).IsEquivalentTo(new[] { "reproject" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(job.Timeline!.Select(t => t.Step).ToArray()).IsEquivalentTo(new[] { "reproject", "build" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(job.Progress!.CompletedSteps).IsEqualTo(2);
        await Assert.That(job.Progress!.TotalSteps).IsEqualTo(2);
        await Assert.That(job.Progress!.Percent).IsEqualTo(100);

        // The build step read the reprojected raster from the coordinator, and made a COG of it.
        var build = job.Steps![1];
        using var log = await cluster.Api.GetAsync($"v1/jobs/{build.JobId}/log", cluster.Api.Bob);
        var lines = (await ApiServer.ReadAsync(log, RestJsonContext.Default.JobLogDto))!.Lines;
        await Assert.That(lines.Any(l => l.Contains("downloaded the output of step 'reproject'", StringComparison.Ordinal))).IsTrue();
        using var stepJob = await cluster.Api.GetAsync($"v1/jobs/{build.JobId}", cluster.Api.Bob);
        var cog = await RasterOracles.DownloadAsync(cluster, (await ApiServer.ReadAsync(stepJob, RestJsonContext.Default.JobDto))!, dir, "built.tif");
        await Assert.That(await RasterOracles.ValidateCogAsync(cog)).Contains("is a valid cloud optimized GeoTIFF");
        await Assert.That(await GdalTool.RunAsync("gdalinfo", cog)).Contains("Pseudo-Mercator");

        // The declared output is the build step's artifact, in the data root.
        var output = Path.Combine(cluster.Api.DataRoot, "results", "site", "L7.cog.tif");
        await Assert.That(await File.ReadAllBytesAsync(output)).IsEquivalentTo(await File.ReadAllBytesAsync(cog), TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(job.Recipe!.Outputs["step:build.output"]).IsEqualTo("results/site/L7.cog.tif");
    }

    /// <summary>An exec tool is a step like any other: gdal_contour draws the lines of the DEM the reproject step made.</summary>
    [Test]
    public async Task an_exec_tool_runs_as_a_step_on_the_artifact_of_the_step_before_it()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a", execTools: AgentService.LoadExecTools(Exec.ExecToolJobTests.ShippedDir()));
        Samples.CopyTo("olinda_dem_utm25s.tif", cluster.Api.DataRoot, "dem/olinda.tif");
        using var dir = new TempDir();

        var job = await cluster.SubmitAndWaitAsync("""
            {"recipe":{"name":"reproject-then-contour","version":"1","steps":[
               {"id":"reproject","tool":"reproject","params":{"path":"input:dem","crs":"EPSG:4326"}},
               {"id":"contour","tool":"contour","params":{"path":"step:reproject.output","interval":10}}]},
             "inputs":{"dem":"dem/olinda.tif"}}
            """, TimeSpan.FromSeconds(120));

        await Assert.That(job.Status).IsEqualTo("completed").Because(job.Error?.Message ?? "");
        await Assert.That(job.Steps!.Select(s => (s.Id, s.Status)).ToArray()).IsEquivalentTo(new[] { ("reproject", "completed"), ("contour", "completed") }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        using var stepJob = await cluster.Api.GetAsync($"v1/jobs/{job.Steps![1].JobId}", cluster.Api.Bob);
        var gpkg = await RasterOracles.DownloadAsync(cluster, (await ApiServer.ReadAsync(stepJob, RestJsonContext.Default.JobDto))!, dir, "contours.gpkg");
        var info = await GdalTool.RunAsync("ogrinfo", "-so", "-al", gpkg);
        await Assert.That(info).Contains("Geometry: Line String");
        await Assert.That(info).Contains("WGS 84");
    }

    [Test]
    public async Task a_step_that_fails_ends_the_recipe_job_failed_naming_the_step_and_the_next_step_never_runs()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        Samples.CopyTo("L7_ETMs.tif", cluster.Api.DataRoot, "landsat/L7_ETMs.tif");

        // PROJ knows no EPSG:999999: the coordinator checks a CRS's shape only, so the step fails on the agent.
        var job = await cluster.SubmitAndWaitAsync(ReprojectThenBuild.Replace("EPSG:3857", "EPSG:999999", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        await Assert.That(job.Status).IsEqualTo("failed");
        await Assert.That(job.Error!.Code).IsEqualTo("step_failed");
        await Assert.That(job.Error!.Message).Contains("step 'reproject' failed");
        await Assert.That(job.Steps!.Select(s => (s.Id, s.Status)).ToArray()).IsEquivalentTo(new[] { ("reproject", "failed"), ("build", "skipped") }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(job.Steps![1].JobId).IsNull();
        await Assert.That(File.Exists(Path.Combine(cluster.Api.DataRoot, "results", "site", "L7.cog.tif"))).IsFalse();
    }

    [Test]
    public async Task a_step_that_fails_stops_its_running_sibling_on_its_agent_at_once()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a", slots: 2);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var job = await cluster.SubmitAndWaitAsync("""
            {"recipe":{"name":"fail-fast","version":"1","steps":[
               {"id":"long","tool":"sleep","params":{"seconds":60}},
               {"id":"broken","tool":"sleep","params":{"seconds":0.3,"fatal":true}}]}}
            """, TimeSpan.FromSeconds(30));

        await Assert.That(job.Status).IsEqualTo("failed");
        await Assert.That(job.Error!.Message).Contains("step 'broken' failed");
        await Assert.That(job.Steps!.Single(s => s.Id == "long").Error!.Code).IsEqualTo("stopped");
        await Assert.That(clock.Elapsed).IsLessThan(TimeSpan.FromSeconds(20)); // far from the 60 s the long step would take
    }

    /// <summary>A user's stop of a recipe job reaches the agents running its steps at once; pending steps are skipped.</summary>
    [Test]
    public async Task a_user_stop_of_a_recipe_job_stops_its_running_steps_on_their_agents_and_skips_the_rest()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a", slots: 1);
        await cluster.AddAgentAsync("b", slots: 1);
        using var submitted = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", cluster.Api.Bob, """
            {"recipe":{"name":"long","version":"1","steps":[
               {"id":"left","tool":"sleep","params":{"seconds":60}},
               {"id":"right","tool":"sleep","params":{"seconds":60}},
               {"id":"then","tool":"sleep","params":{"seconds":0},"depends_on":["left","right"]}]}}
            """);
        var id = (await ApiServer.ReadAsync(submitted, RestJsonContext.Default.JobDto))!.Id;
        await Cluster.WaitForAsync(async () => (await cluster.Ledger.GetStepsAsync(id)).Count(s => s.Job is { JobState: JobState.Running }) == 2,
            TimeSpan.FromSeconds(20), "both long steps to run, one on each agent");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        using var stop = await cluster.Api.SendAsync(HttpMethod.Post, $"v1/jobs/{id}/stop", cluster.Api.Bob);
        await cluster.WaitForStateAsync(id, state => state.IsTerminal(), TimeSpan.FromSeconds(20));

        await Assert.That(clock.Elapsed).IsLessThan(TimeSpan.FromSeconds(10)); // the agents heard at once, not after 60 s
        var steps = await cluster.Ledger.GetStepsAsync(id);
        await Assert.That((await cluster.Ledger.GetJobAsync(id))!.JobState).IsEqualTo(JobState.Stopped);
        await Assert.That(steps.Where(s => s.Step.StepId != "then").All(s => s.Job!.JobState == JobState.Stopped)).IsTrue();
        await Assert.That(steps.Where(s => s.Step.StepId != "then").Select(s => s.Job!.NodeId).Distinct().Count()).IsEqualTo(2);
        await Assert.That(steps.Single(s => s.Step.StepId == "then").Step.StepState).IsEqualTo(StepState.Skipped);
    }
}
