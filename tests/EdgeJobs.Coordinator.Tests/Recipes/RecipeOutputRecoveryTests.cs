using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using EdgeJobs.Catalog.Exec;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Recipes;

/// <summary>
/// A crash between the commit that completes a recipe's step and the rename that puts its declared output in the data
/// root: at the next start a completed step's staged output goes into place over the old file, and a staged output of a
/// step that did not complete is removed.
/// </summary>
public class RecipeOutputRecoveryTests
{
    [Test]
    public async Task a_restart_places_a_completed_step_s_output_and_drops_one_whose_step_did_not_complete()
    {
        byte[] committed = [1, 2, 3, 4, 5], uncommitted = [9, 9, 9];
        await using var api = await ApiServer.StartAsync();
        api.WriteInput("results/old.bin", "the file before");
        using var submitted = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, """
            {"recipe":{"name":"two","version":"1","steps":[
               {"id":"a","tool":"random-artifact","params":{"bytes":5}},
               {"id":"b","tool":"random-artifact","params":{"bytes":3}}]},
             "outputs":{"step:a.output":"results/old.bin","step:b.output":"results/b.bin"}}
            """);
        await Assert.That(submitted.StatusCode).IsEqualTo(HttpStatusCode.Accepted).Because(await submitted.Content.ReadAsStringAsync());
        var recipe = (await ApiServer.ReadAsync(submitted, RestJsonContext.Default.JobDto))!.Id;
        var a = (await RecipeJobs.StepJobAsync(api.Ledger, recipe, "a"))!;
        var b = (await RecipeJobs.StepJobAsync(api.Ledger, recipe, "b"))!;

        // Step a's finish as RecipeOutputs makes it, up to the commit: its artifact staged under a second name, the step
        // completed in the ledger. The process dies before the rename. Step b's output was staged but never committed.
        var staging = Path.Combine(api.Server.Options.DataDir, "recipe-outputs");
        Directory.CreateDirectory(staging);
        var artifact = Path.Combine(api.Server.Options.DataDir, "a.bin");
        await File.WriteAllBytesAsync(artifact, committed);
        await File.WriteAllBytesAsync(Path.Combine(staging, $"job-{a.Id}.out"), committed);
        var running = await JobWalker.RunAsync(api.Ledger, a.Id, JobWalker.Node);
        var finished = await api.Ledger.FinishWithLogAsync(a.Id, running.Fence, [], new FinishReport(FinishOutcome.Succeeded),
            new ArtifactRecord(artifact, committed.Length, Convert.ToHexStringLower(SHA256.HashData(committed)), DateTimeOffset.UtcNow.AddDays(1)), 0, null);
        await Assert.That(finished.State).IsEqualTo(JobState.Completed);
        await JobWalker.RunAsync(api.Ledger, b.Id, JobWalker.Node);
        await File.WriteAllBytesAsync(Path.Combine(staging, $"job-{b.Id}.out"), uncommitted);
        await Assert.That(await File.ReadAllTextAsync(Path.Combine(api.DataRoot, "results", "old.bin"))).IsEqualTo("the file before");

        // Restarted on the same data dir (disposing api afterwards is a no-op).
        await using var restarted = await api.RestartAsync();
        await Assert.That(await File.ReadAllBytesAsync(Path.Combine(restarted.DataRoot, "results", "old.bin"))).IsEquivalentTo(committed, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(File.Exists(Path.Combine(restarted.DataRoot, "results", "b.bin"))).IsFalse();
        await Assert.That(Directory.EnumerateFiles(staging)).IsEmpty();
        await Assert.That(Directory.EnumerateFiles(Path.Combine(restarted.DataRoot, "results"), "*.part")).IsEmpty();
    }

    private const string Tiler =
        """{"id":"tiler","version":"1","title":"Tiler","params_schema":{"type":"object","properties":{}},"argv":["true","{output}"],"outputs":{"type":"directory"},"artifact":"ept"}""";

    [Test]
    public async Task a_restart_in_the_middle_of_a_directory_output_s_swap_finishes_it()
    {
        await using var api = await ApiServer.StartAsync();
        // An exec tool whose output is a directory, as an agent advertising it makes it known (and the ledger keeps it).
        var manifest = ExecManifest.Parse(Tiler, "tiler.json", Catalog.Tools.ToolCatalog.BuiltIn.ReservedIds);
        api.Server.Options.Catalog.AddExecTool(new ExecToolDescriptor(manifest));
        api.WriteInput("results/site/ept/old.txt", "the directory before");
        using var submitted = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, """
            {"recipe":{"name":"tile","version":"1","steps":[{"id":"ept","tool":"tiler","params":{}}]},
             "outputs":{"step:ept.output":"results/site/ept"}}
            """);
        await Assert.That(submitted.StatusCode).IsEqualTo(HttpStatusCode.Accepted).Because(await submitted.Content.ReadAsStringAsync());
        var recipe = (await ApiServer.ReadAsync(submitted, RestJsonContext.Default.JobDto))!.Id;
        var step = (await RecipeJobs.StepJobAsync(api.Ledger, recipe, "ept"))!;

        // The step's ZIP staged and its completion committed; then the process died between the swap's renames: the old
        // directory already moved aside, the new one half unpacked beside it.
        using var made = new TempDir();
        Directory.CreateDirectory(made.File("ept/ept-data"));
        await File.WriteAllTextAsync(made.File("ept/ept.json"), "{}");
        await File.WriteAllTextAsync(made.File("ept/ept-data/0-0-0-0.laz"), "data");
        var zip = Path.Combine(api.Server.Options.DataDir, "ept.zip");
        ZipFile.CreateFromDirectory(made.File("ept"), zip);
        var staging = Path.Combine(api.Server.Options.DataDir, "recipe-outputs");
        Directory.CreateDirectory(staging);
        File.Copy(zip, Path.Combine(staging, $"job-{step.Id}.out"));
        var running = await JobWalker.RunAsync(api.Ledger, step.Id, JobWalker.Node);
        await api.Ledger.RecordExecToolsAsync(JobWalker.Node, [(manifest.Id, manifest.Version, manifest.CanonicalJson)]);
        var bytes = await File.ReadAllBytesAsync(zip);
        var finished = await api.Ledger.FinishWithLogAsync(step.Id, running.Fence, [], new FinishReport(FinishOutcome.Succeeded),
            new ArtifactRecord(zip, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), DateTimeOffset.UtcNow.AddDays(1)), 0, null);
        await Assert.That(finished.State).IsEqualTo(JobState.Completed);
        var site = Path.Combine(api.DataRoot, "results", "site");
        Directory.Move(Path.Combine(site, "ept"), Path.Combine(site, $"ept.job-{step.Id}.old"));
        Directory.CreateDirectory(Path.Combine(site, $"ept.job-{step.Id}.part"));
        await File.WriteAllTextAsync(Path.Combine(site, $"ept.job-{step.Id}.part", "ept.json"), "half");

        await using var restarted = await api.RestartAsync();

        await Assert.That(await File.ReadAllTextAsync(Path.Combine(site, "ept", "ept.json"))).IsEqualTo("{}");
        await Assert.That(await File.ReadAllTextAsync(Path.Combine(site, "ept", "ept-data", "0-0-0-0.laz"))).IsEqualTo("data");
        await Assert.That(File.Exists(Path.Combine(site, "ept", "old.txt"))).IsFalse();
        await Assert.That(Directory.GetFileSystemEntries(site).Select(e => Path.GetFileName(e)!).ToArray())
            .IsEquivalentTo(["ept"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(Directory.EnumerateFiles(staging)).IsEmpty();
    }
}
