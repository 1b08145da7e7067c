using System.Net;
using System.Security.Cryptography;
using EdgeJobs.Coordinator.Datasets;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeJobs.Coordinator.Tests.Datasets;

/// <summary>
/// A derivative (<c>.build/…</c>) whose source is replaced while its build runs was made from the bytes before the
/// change: it is indexed as older than the source, so the next build of the dataset sees it stale. One whose source
/// did not change is indexed newer, as always.
/// </summary>
public class DatasetBuildStaleTests
{
    [Test]
    [Arguments(true)]
    [Arguments(false)]
    public async Task a_derivative_whose_source_changed_while_it_was_built_is_indexed_older_than_the_source(bool changedMeanwhile)
    {
        await using var api = await ApiServer.StartAsync();
        (await api.SendAsync(HttpMethod.Put, "v1/datasets/acme/field", api.Admin)).EnsureSuccessStatusCode();
        await UploadAsync(api, [0]);
        using var submitted = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Admin,
            """{"tool":"build","force":true,"dataset":"acme/field","params":{"path":"scenes/a.tif","output":".build/scenes/a.tif.cog.tif"}}""");
        await Assert.That(submitted.StatusCode).IsEqualTo(HttpStatusCode.Accepted).Because(await submitted.Content.ReadAsStringAsync());
        var job = (await ApiServer.ReadAsync(submitted, RestJsonContext.Default.JobDto))!.Id;
        var running = await JobWalker.RunAsync(api.Ledger, job, JobWalker.Node);
        await Task.Delay(5); // the attempt's start and the new upload never share a millisecond
        if (changedMeanwhile)
        {
            await UploadAsync(api, [1, 1]);
        }

        byte[] built = [7, 7, 7];
        var artifact = Path.Combine(api.Server.Options.DataDir, "artifact.bin");
        await File.WriteAllBytesAsync(artifact, built);
        var outputs = new DatasetOutputs(api.Ledger, new DatasetStore(api.Server.Options.DataDir), api.Server.Options.Catalog, null, NullLogger.Instance);
        var finished = await outputs.FinishAsync(job, running.Fence, [], new FinishReport(FinishOutcome.Succeeded),
            new ArtifactRecord(artifact, built.Length, Convert.ToHexStringLower(SHA256.HashData(built)), DateTimeOffset.UtcNow.AddDays(1)), 0, null,
            ("acme", "field", ".build/scenes/a.tif.cog.tif"));

        await Assert.That(finished.State).IsEqualTo(JobState.Completed);
        var source = (await api.Ledger.GetEntryAsync("acme", "field", "scenes/a.tif"))!;
        var derivative = (await api.Ledger.GetEntryAsync("acme", "field", ".build/scenes/a.tif.cog.tif"))!;
        if (changedMeanwhile)
        {
            await Assert.That(derivative.Mtime).IsLessThan(source.Mtime);
        }
        else
        {
            await Assert.That(derivative.Mtime).IsGreaterThanOrEqualTo(source.Mtime);
        }

        // The file on disk says the same as the index.
        var onDisk = new DateTimeOffset(File.GetLastWriteTimeUtc(Path.Combine(api.Server.Options.DataDir, "datasets", "acme", "field", ".build", "scenes", "a.tif.cog.tif")));
        await Assert.That(onDisk.ToUnixTimeMilliseconds()).IsEqualTo(derivative.Mtime);
    }

    private static async Task UploadAsync(ApiServer api, byte[] content)
    {
        using var upload = new HttpRequestMessage(HttpMethod.Put, "v1/datasets/acme/field/files/scenes/a.tif") { Content = new ByteArrayContent(content) };
        upload.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", api.Admin);
        (await api.Http.SendAsync(upload)).EnsureSuccessStatusCode();
    }
}
