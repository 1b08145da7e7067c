using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using EdgeJobs.Catalog.Exec;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Coordinator.Recipes;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeJobs.Coordinator.Tests.Recipes;

/// <summary>
/// A recipe output in the data root is made ready beside its target before the commit that completes its step: when the
/// step reads completed its output is there, and an output that cannot land fails the step with nothing of it kept.
/// </summary>
public class RecipeOutputLandingTests
{
    private const string Tiler =
        """{"id":"tiler","version":"1","title":"Tiler","params_schema":{"type":"object","properties":{}},"argv":["true","{output}"],"outputs":{"type":"directory"},"artifact":"ept"}""";

    /// <summary>Submits a one-step recipe of the directory-making exec tool whose output goes to <paramref name="target"/>; its step's job, running.</summary>
    private static async Task<(JobRow Step, long Fence)> RunningStepAsync(ApiServer api, string target)
    {
        var manifest = ExecManifest.Parse(Tiler, "tiler.json", Catalog.Tools.ToolCatalog.BuiltIn.ReservedIds);
        api.Server.Options.Catalog.AddExecTool(new ExecToolDescriptor(manifest));
        await api.Ledger.RecordExecToolsAsync(JobWalker.Node, [(manifest.Id, manifest.Version, manifest.CanonicalJson)]);
        using var submitted = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, """
            {"recipe":{"name":"tile","version":"1","steps":[{"id":"ept","tool":"tiler","params":{}}]},
             "outputs":{"step:ept.output":"@target@"}}
            """.Replace("@target@", target, StringComparison.Ordinal));
        await Assert.That(submitted.StatusCode).IsEqualTo(HttpStatusCode.Accepted).Because(await submitted.Content.ReadAsStringAsync());
        var recipe = (await ApiServer.ReadAsync(submitted, RestJsonContext.Default.JobDto))!.Id;
        var step = (await RecipeJobs.StepJobAsync(api.Ledger, recipe, "ept"))!;
        var running = await JobWalker.RunAsync(api.Ledger, step.Id, JobWalker.Node);
        return (step, running.Fence);
    }

    /// <summary>The step's artifact as its agent hands it over: the directory zipped, in DATA_DIR.</summary>
    private static async Task<ArtifactRecord> ZippedAsync(ApiServer api, Action<ZipArchive> fill)
    {
        var zip = Path.Combine(api.Server.Options.DataDir, $"ept-{Guid.NewGuid():N}.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            fill(archive);
        }

        var bytes = await File.ReadAllBytesAsync(zip);
        return new ArtifactRecord(zip, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static void Add(ZipArchive archive, string name, string text)
    {
        using var writer = new StreamWriter(archive.CreateEntry(name).Open());
        writer.Write(text);
    }

    private static Task<Transition> FinishAsync(ApiServer api, JobRow step, long fence, ArtifactRecord artifact, string target) =>
        api.Server.Services.GetRequiredService<RecipeOutputs>().FinishAsync(step.Id, fence, [], new FinishReport(FinishOutcome.Succeeded), artifact, 0, null,
            new RecipeOutputTarget(null, null, target, Directory: true));

    [Test]
    public async Task a_step_that_reads_completed_has_its_directory_output_in_place()
    {
        await using var api = await ApiServer.StartAsync();
        api.WriteInput("results/site/ept/old.txt", "the directory before");
        var (step, fence) = await RunningStepAsync(api, "results/site/ept");
        var artifact = await ZippedAsync(api, zip =>
        {
            Add(zip, "ept.json", "{}");
            Add(zip, "ept-data/0-0-0-0.laz", "data");
        });

        var finished = await FinishAsync(api, step, fence, artifact, "results/site/ept");

        await Assert.That(finished.State).IsEqualTo(JobState.Completed);
        var site = Path.Combine(api.DataRoot, "results", "site");
        await Assert.That(await File.ReadAllTextAsync(Path.Combine(site, "ept", "ept-data", "0-0-0-0.laz"))).IsEqualTo("data");
        await Assert.That(File.Exists(Path.Combine(site, "ept", "old.txt"))).IsFalse();
        await Assert.That(Directory.GetFileSystemEntries(site).Select(e => Path.GetFileName(e)!).ToArray())
            .IsEquivalentTo(["ept"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(Directory.EnumerateFiles(Path.Combine(api.Server.Options.DataDir, "recipe-outputs"))).IsEmpty();
    }

    [Test]
    public async Task a_directory_output_that_would_escape_fails_its_step_and_leaves_the_old_one()
    {
        await using var api = await ApiServer.StartAsync();
        api.WriteInput("results/site/ept/old.txt", "the directory before");
        var (step, fence) = await RunningStepAsync(api, "results/site/ept");
        var artifact = await ZippedAsync(api, zip =>
        {
            Add(zip, "ept.json", "{}");
            Add(zip, "../../escaped.txt", "out");
        });

        var finished = await FinishAsync(api, step, fence, artifact, "results/site/ept");

        await Assert.That(finished.State).IsEqualTo(JobState.Failed);
        var failed = (await api.Ledger.GetJobAsync(step.Id))!;
        await Assert.That(failed.ErrorCode).IsEqualTo("output_refused");
        await Assert.That(failed.ErrorMessage!).Contains("'results/site/ept' cannot be written: the directory output is not unpacked");
        var site = Path.Combine(api.DataRoot, "results", "site");
        await Assert.That(await File.ReadAllTextAsync(Path.Combine(site, "ept", "old.txt"))).IsEqualTo("the directory before");
        await Assert.That(Directory.GetFileSystemEntries(site).Select(e => Path.GetFileName(e)!).ToArray())
            .IsEquivalentTo(["ept"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(File.Exists(Path.Combine(api.DataRoot, "escaped.txt"))).IsFalse();
        await Assert.That(Directory.EnumerateFiles(Path.Combine(api.Server.Options.DataDir, "recipe-outputs"))).IsEmpty();
    }

    [Test]
    public async Task an_output_whose_folder_became_a_file_fails_its_step_and_changes_nothing()
    {
        await using var api = await ApiServer.StartAsync();
        var (step, fence) = await RunningStepAsync(api, "results/site/ept");
        // After the submit, someone put a file where the output's folder would be.
        api.WriteInput("results/site", "a file now");
        var artifact = await ZippedAsync(api, zip => Add(zip, "ept.json", "{}"));

        var finished = await FinishAsync(api, step, fence, artifact, "results/site/ept");

        await Assert.That(finished.State).IsEqualTo(JobState.Failed);
        var failed = (await api.Ledger.GetJobAsync(step.Id))!;
        await Assert.That(failed.ErrorCode).IsEqualTo("output_refused");
        await Assert.That(failed.ErrorMessage!).Contains("'results/site', which is a file");
        await Assert.That(await File.ReadAllTextAsync(Path.Combine(api.DataRoot, "results", "site"))).IsEqualTo("a file now");
        await Assert.That(Directory.GetFileSystemEntries(Path.Combine(api.DataRoot, "results")).Length).IsEqualTo(1);
    }

    [Test]
    public async Task a_restart_removes_what_was_made_ready_for_a_step_that_did_not_complete()
    {
        await using var api = await ApiServer.StartAsync();
        var (step, _) = await RunningStepAsync(api, "results/site/ept");
        // The process died after the output was made ready beside its target, before the commit.
        var site = Path.Combine(api.DataRoot, "results", "site");
        var part = Path.Combine(site, $"ept.job-{step.Id}.part");
        Directory.CreateDirectory(Path.Combine(part, "ept-data"));
        await File.WriteAllTextAsync(Path.Combine(part, "ept-data", "0-0-0-0.laz"), "data");
        var staging = Path.Combine(api.Server.Options.DataDir, "recipe-outputs");
        Directory.CreateDirectory(staging);
        await File.WriteAllTextAsync(Path.Combine(staging, $"job-{step.Id}.out"), "the zip");
        await File.WriteAllTextAsync(Path.Combine(staging, $"job-{step.Id}.part"), part);
        // A marker that names something else is not followed.
        var other = Path.Combine(api.DataRoot, "keep.txt");
        await File.WriteAllTextAsync(other, "mine");
        await File.WriteAllTextAsync(Path.Combine(staging, "job-999.part"), other);

        await using var restarted = await api.RestartAsync();

        await Assert.That(Directory.Exists(part)).IsFalse();
        await Assert.That(Directory.GetFileSystemEntries(site)).IsEmpty();
        await Assert.That(Directory.EnumerateFiles(staging)).IsEmpty();
        await Assert.That(await File.ReadAllTextAsync(other)).IsEqualTo("mine");
    }
}
