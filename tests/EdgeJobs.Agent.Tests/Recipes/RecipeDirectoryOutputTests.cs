using EdgeJobs.Catalog.Exec;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests.Recipes;

/// <summary>
/// A recipe step whose exec tool writes a directory (as Ordo's point-cloud steps write an EPT folder): its artifact is a
/// ZIP, and a recipe job's <c>outputs</c> puts it in the data root unpacked, as the directory it was, replacing a previous
/// one whole.
/// </summary>
public class RecipeDirectoryOutputTests
{
    /// <summary>Writes ept.json and the tiles folder a point-cloud tool would, named after its param.</summary>
    private static ExecManifest Tiler() => ExecManifest.Parse("""
        {"id":"tiler","version":"1","title":"Tiles a scene into a folder",
         "params_schema":{"type":"object","properties":{"name":{"type":"string","minLength":1}},"required":["name"],"additionalProperties":false},
         "argv":["sh","-c","mkdir -p \"$0/ept-data\" && echo \"{{\\\"name\\\":\\\"$1\\\"}}\" > \"$0/ept.json\" && echo data > \"$0/ept-data/0-0-0-0.laz\" && echo \"$1\" > \"$0/$1.txt\"","{output}","{name}"],
         "outputs":{"type":"directory"},"artifact":"ept"}
        """, "tiler.json", Catalog.Tools.ToolCatalog.BuiltIn.BuiltInIds);

    private static string Job(string name, string target) => """
        {"recipe":{"name":"tile","version":"1","steps":[{"id":"ept","tool":"tiler","params":{"name":"{param:name}"}}]},
         "params":{"ept":{"name":"@name@"}},"outputs":{"step:ept.output":"@target@"}}
        """.Replace("@name@", name, StringComparison.Ordinal).Replace("@target@", target, StringComparison.Ordinal);

    /// <summary>Waits until a file of a directory output is in place.</summary>
    private static Task LandedAsync(string file) => Cluster.WaitForAsync(() => Task.FromResult(File.Exists(file)), TimeSpan.FromSeconds(30), file);

    [Test]
    public async Task a_directory_output_lands_unpacked_and_a_second_run_replaces_it_whole()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("node", execTools: [Tiler()]);

        var first = await cluster.SubmitAndWaitAsync(Job("first", "results/site/ept"), TimeSpan.FromSeconds(60));
        await Assert.That(first.Status).IsEqualTo("completed").Because(first.Error?.Message ?? "");
        var ept = Path.Combine(cluster.Api.DataRoot, "results", "site", "ept");
        // The swap into place follows the commit that completes the step (README: a restart finishes one that was not yet in place).
        await LandedAsync(Path.Combine(ept, "first.txt"));
        await Assert.That(Directory.Exists(ept)).IsTrue();
        await Assert.That(await File.ReadAllTextAsync(Path.Combine(ept, "ept.json"))).Contains("\"name\":\"first\"");
        await Assert.That(File.Exists(Path.Combine(ept, "ept-data", "0-0-0-0.laz"))).IsTrue();
        await Assert.That(File.Exists(Path.Combine(ept, "first.txt"))).IsTrue();

        var second = await cluster.SubmitAndWaitAsync(Job("second", "results/site/ept"), TimeSpan.FromSeconds(60));
        await Assert.That(second.Status).IsEqualTo("completed").Because(second.Error?.Message ?? "");
        await LandedAsync(Path.Combine(ept, "second.txt"));
        await Assert.That(await File.ReadAllTextAsync(Path.Combine(ept, "ept.json"))).Contains("\"name\":\"second\"");
        await Assert.That(File.Exists(Path.Combine(ept, "first.txt"))).IsFalse();
        await Assert.That(File.Exists(Path.Combine(ept, "second.txt"))).IsTrue();
        // Nothing of the swap is left beside it.
        var site = Path.Combine(cluster.Api.DataRoot, "results", "site");
        await Cluster.WaitForAsync(() => Task.FromResult(Directory.GetFileSystemEntries(site).Length == 1), TimeSpan.FromSeconds(30), "the old directory gone");
        await Assert.That(Directory.GetFileSystemEntries(site).Select(e => Path.GetFileName(e)!).ToArray())
            .IsEquivalentTo(["ept"], TUnit.Assertions.Enums.CollectionOrdering.Matching);

        // Into a folder (a path ending in '/'): under the artifact's name.
        var third = await cluster.SubmitAndWaitAsync(Job("third", "results/all/"), TimeSpan.FromSeconds(60));
        await Assert.That(third.Status).IsEqualTo("completed").Because(third.Error?.Message ?? "");
        await LandedAsync(Path.Combine(cluster.Api.DataRoot, "results", "all", "ept", "third.txt"));
        await Assert.That(File.Exists(Path.Combine(cluster.Api.DataRoot, "results", "all", "ept", "third.txt"))).IsTrue();
    }

    [Test]
    public async Task in_a_dataset_a_directory_output_becomes_a_folder_of_entries_replaced_whole_by_the_next_run()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("node", execTools: [Tiler()]);
        var token = await cluster.Api.MintInOrgAsync("ann", "acme", Scopes.JobsRead, Scopes.JobsWrite, Scopes.DatasetsRead, Scopes.DatasetsWrite);
        (await cluster.Api.SendAsync(HttpMethod.Put, "v1/datasets/acme/field", token)).EnsureSuccessStatusCode();

        async Task<JobDto> RunAsync(string name)
        {
            var job = Job(name, "results/site/ept").TrimEnd();
            var body = job[..^1] + ""","dataset":"acme/field"}""";
            using var submitted = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", token, body);
            await Assert.That(submitted.StatusCode).IsEqualTo(System.Net.HttpStatusCode.Accepted).Because(await submitted.Content.ReadAsStringAsync());
            var id = (await ApiServer.ReadAsync(submitted, RestJsonContext.Default.JobDto))!.Id;
            await cluster.WaitForStateAsync(id, s => s.IsTerminal(), TimeSpan.FromSeconds(60));
            using var get = await cluster.Api.GetAsync($"v1/jobs/{id}", token);
            return (await ApiServer.ReadAsync(get, RestJsonContext.Default.JobDto))!;
        }

        async Task<string[]> EntriesAsync()
        {
            using var listed = await cluster.Api.GetAsync("v1/datasets/acme/field/entries?prefix=results/", token);
            return (await ApiServer.ReadAsync(listed, RestJsonContext.Default.DatasetEntryListDto))!.Entries.Select(e => e.Path).ToArray();
        }

        var first = await RunAsync("first");
        await Assert.That(first.Status).IsEqualTo("completed").Because(first.Error?.Message ?? "");
        await Assert.That(await EntriesAsync()).IsEquivalentTo(
            ["results/site/ept/ept-data/0-0-0-0.laz", "results/site/ept/ept.json", "results/site/ept/first.txt"], TUnit.Assertions.Enums.CollectionOrdering.Matching);

        var second = await RunAsync("second");
        await Assert.That(second.Status).IsEqualTo("completed").Because(second.Error?.Message ?? "");
        await Assert.That(await EntriesAsync()).IsEquivalentTo(
            ["results/site/ept/ept-data/0-0-0-0.laz", "results/site/ept/ept.json", "results/site/ept/second.txt"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        // The files are what the index says, downloadable as entries (the folder's swap follows the commit).
        var folder = Path.Combine(cluster.Api.Server.Options.DataDir, "datasets", "acme", "field", "results", "site", "ept");
        await LandedAsync(Path.Combine(folder, "second.txt"));
        using var json = await cluster.Api.GetAsync("v1/datasets/acme/field/files/results/site/ept/ept.json", token);
        await Assert.That(await json.Content.ReadAsStringAsync()).Contains("\"name\":\"second\"");
        await Assert.That(Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Length).IsEqualTo(3);
        var incoming = Path.Combine(cluster.Api.Server.Options.DataDir, "datasets", ".incoming", "acme", "field");
        await Cluster.WaitForAsync(() => Task.FromResult(!Directory.EnumerateFileSystemEntries(incoming).Any()), TimeSpan.FromSeconds(30), "the staging gone");

        // A file where a parent folder would be: the step fails naming it, and the index is as it was.
        using (var put = await cluster.Api.SendAsync(HttpMethod.Put, "v1/datasets/acme/field/files/blocked", token, "x"))
        {
            put.EnsureSuccessStatusCode();
        }

        var job = Job("third", "blocked/ept").TrimEnd();
        using var submitted = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", token, job[..^1] + ""","dataset":"acme/field"}""");
        await Assert.That(submitted.StatusCode).IsEqualTo(System.Net.HttpStatusCode.Accepted).Because(await submitted.Content.ReadAsStringAsync());
        var id = (await ApiServer.ReadAsync(submitted, RestJsonContext.Default.JobDto))!.Id;
        await cluster.WaitForStateAsync(id, s => s.IsTerminal(), TimeSpan.FromSeconds(60));
        using var get = await cluster.Api.GetAsync($"v1/jobs/{id}", token);
        var blocked = (await ApiServer.ReadAsync(get, RestJsonContext.Default.JobDto))!;
        await Assert.That(blocked.Status).IsEqualTo("failed");
        await Assert.That(blocked.Error!.Message!).Contains("'blocked' is a file");
        await Assert.That(await EntriesAsync()).IsEquivalentTo(
            ["results/site/ept/ept-data/0-0-0-0.laz", "results/site/ept/ept.json", "results/site/ept/second.txt"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }
}
