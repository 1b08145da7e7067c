using EdgeJobs.Catalog.Exec;

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

    [Test]
    public async Task a_directory_output_lands_unpacked_and_a_second_run_replaces_it_whole()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("node", execTools: [Tiler()]);

        var first = await cluster.SubmitAndWaitAsync(Job("first", "results/site/ept"), TimeSpan.FromSeconds(60));
        await Assert.That(first.Status).IsEqualTo("completed").Because(first.Error?.Message ?? "");
        var ept = Path.Combine(cluster.Api.DataRoot, "results", "site", "ept");
        await Assert.That(Directory.Exists(ept)).IsTrue();
        await Assert.That(await File.ReadAllTextAsync(Path.Combine(ept, "ept.json"))).Contains("\"name\":\"first\"");
        await Assert.That(File.Exists(Path.Combine(ept, "ept-data", "0-0-0-0.laz"))).IsTrue();
        await Assert.That(File.Exists(Path.Combine(ept, "first.txt"))).IsTrue();

        var second = await cluster.SubmitAndWaitAsync(Job("second", "results/site/ept"), TimeSpan.FromSeconds(60));
        await Assert.That(second.Status).IsEqualTo("completed").Because(second.Error?.Message ?? "");
        await Assert.That(await File.ReadAllTextAsync(Path.Combine(ept, "ept.json"))).Contains("\"name\":\"second\"");
        await Assert.That(File.Exists(Path.Combine(ept, "first.txt"))).IsFalse();
        await Assert.That(File.Exists(Path.Combine(ept, "second.txt"))).IsTrue();
        // Nothing of the swap is left beside it.
        await Assert.That(Directory.GetFileSystemEntries(Path.Combine(cluster.Api.DataRoot, "results", "site")).Select(e => Path.GetFileName(e)!).ToArray())
            .IsEquivalentTo(["ept"], TUnit.Assertions.Enums.CollectionOrdering.Matching);

        // Into a folder (a path ending in '/'): under the artifact's name.
        var third = await cluster.SubmitAndWaitAsync(Job("third", "results/all/"), TimeSpan.FromSeconds(60));
        await Assert.That(third.Status).IsEqualTo("completed").Because(third.Error?.Message ?? "");
        await Assert.That(File.Exists(Path.Combine(cluster.Api.DataRoot, "results", "all", "ept", "third.txt"))).IsTrue();
    }
}
