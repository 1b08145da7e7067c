using EdgeJobs.Agent.Rasters;
using EdgeJobs.Agent.Tools;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests.Rasters;

/// <summary>Publishing a result into the data root when the world changed since submit.</summary>
public class OutputFilesTests
{
    private static ToolContext Context(TempDir dir, CancellationToken cancellation = default) =>
        new(7, 1, "{}", dir.File("work"), dir.File("data"), (_, _) => { }, _ => { }, cancellation);

    [Test]
    public async Task an_output_that_appeared_while_the_job_ran_is_not_replaced_and_nothing_partial_is_left()
    {
        using var dir = new TempDir();
        var context = Context(dir);
        Directory.CreateDirectory(Path.Combine(context.DataRoot, "out"));
        var result = Path.Combine(context.WorkDir, "result.tif");
        await File.WriteAllTextAsync(result, "new");
        var target = Path.Combine(context.DataRoot, "out", "x.tif");
        await File.WriteAllTextAsync(target, "someone else's");

        var failure = await Assert.That(() => OutputFiles.Publish(context, result, new OutputPath("$.params.output", "out/x.tif", false, [".tif"]))).Throws<ToolFailure>();

        await Assert.That(failure!.Code).IsEqualTo("bad_output");
        await Assert.That(failure.Retryable).IsFalse();
        await Assert.That(await File.ReadAllTextAsync(target)).IsEqualTo("someone else's");
        await Assert.That(Directory.GetFiles(Path.Combine(context.DataRoot, "out"))).IsEquivalentTo(new[] { target });
    }

    [Test]
    public async Task with_overwrite_the_output_is_replaced_whole_and_its_directories_created()
    {
        using var dir = new TempDir();
        var context = Context(dir);
        Directory.CreateDirectory(context.DataRoot);
        var result = Path.Combine(context.WorkDir, "result.tif");
        await File.WriteAllTextAsync(result, "new");

        OutputFiles.Publish(context, result, new OutputPath("$.params.output", "a/b/x.tif", true, [".tif"]));

        var target = Path.Combine(context.DataRoot, "a", "b", "x.tif");
        await Assert.That(await File.ReadAllTextAsync(target)).IsEqualTo("new");
        await Assert.That(Directory.GetFiles(Path.GetDirectoryName(target)!)).IsEquivalentTo(new[] { target });
        await Assert.That(File.Exists(result)).IsTrue(); // still the artifact
    }

    [Test]
    public async Task a_publish_stopped_midway_leaves_nothing_not_even_the_directories_it_made()
    {
        using var dir = new TempDir();
        using var stop = new CancellationTokenSource();
        var context = Context(dir, stop.Token);
        Directory.CreateDirectory(Path.Combine(context.DataRoot, "kept"));
        var result = Path.Combine(context.WorkDir, "result.tif");
        await File.WriteAllTextAsync(result, "new");
        await stop.CancelAsync();

        await Assert.That(() => OutputFiles.Publish(context, result, new OutputPath("$.params.output", "kept/a/b/x.tif", false, [".tif"])))
            .Throws<OperationCanceledException>();

        await Assert.That(Directory.GetFileSystemEntries(context.DataRoot, "*", SearchOption.AllDirectories))
            .IsEquivalentTo(new[] { Path.Combine(context.DataRoot, "kept") }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }
}
