using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests;

/// <summary>Artifacts streamed from the agent in chunks, verified, and served with ETag, Range and a TTL.</summary>
public class ArtifactTests
{
    /// <summary>What random-artifact writes for a seed and size.</summary>
    internal static byte[] Expected(int seed, int bytes)
    {
        var data = new byte[bytes];
        var random = new Random(seed);
        for (var at = 0; at < bytes; at += 1 << 20)
        {
            random.NextBytes(data.AsSpan(at, Math.Min(1 << 20, bytes - at)));
        }

        return data;
    }

    private static Task<JobDto> RunAsync(Cluster cluster, int seed, int bytes) =>
        cluster.SubmitAndWaitAsync($"{{\"tool\":\"random-artifact\",\"force\":true,\"params\":{{\"bytes\":{bytes},\"seed\":{seed}}}}}");

    [Test]
    public async Task the_job_list_shows_each_completed_jobs_artifact_as_the_job_does()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        var withArtifact = await RunAsync(cluster, 3, 5000);
        var without = await cluster.SubmitAndWaitAsync("{\"tool\":\"sleep\",\"force\":true,\"params\":{\"seconds\":0}}");

        using var list = await cluster.Api.GetAsync("v1/jobs?status=all", cluster.Api.Bob);
        var jobs = (await ApiServer.ReadAsync(list, RestJsonContext.Default.JobListDto))!.Jobs;

        await Assert.That(jobs.Single(j => j.Id == withArtifact.Id).Artifact).IsEqualTo(withArtifact.Artifact);
        await Assert.That(jobs.Single(j => j.Id == without.Id).Artifact).IsNull();
    }

    [Test]
    public async Task an_artifact_streams_to_the_coordinator_verified_and_downloads_whole_or_in_ranges()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        const int size = (3 << 20) + 12345;
        var expected = Expected(7, size);
        var sha = Convert.ToHexStringLower(SHA256.HashData(expected));

        var job = await RunAsync(cluster, 7, size);

        await Assert.That(job.Status).IsEqualTo("completed");
        await Assert.That(job.Artifact!.SizeBytes).IsEqualTo(size);
        await Assert.That(job.Artifact.Sha256).IsEqualTo(sha);
        await Assert.That(job.Artifact.Url).IsEqualTo($"/v1/jobs/{job.Id}/artifact");

        using var whole = await cluster.Api.GetAsync($"v1/jobs/{job.Id}/artifact", cluster.Api.Bob);
        await Assert.That(whole.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(whole.Headers.ETag!.Tag).IsEqualTo($"\"{sha}\"");
        await Assert.That(whole.Content.Headers.ContentDisposition!.DispositionType).IsEqualTo("attachment");
        await Assert.That(whole.Content.Headers.ContentDisposition.FileNameStar ?? whole.Content.Headers.ContentDisposition.FileName).Contains("random-7-");
        await Assert.That(await whole.Content.ReadAsByteArrayAsync()).IsEquivalentTo(expected, TUnit.Assertions.Enums.CollectionOrdering.Matching);

        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"v1/jobs/{job.Id}/artifact");
        ranged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Api.Bob);
        ranged.Headers.Range = new RangeHeaderValue(1_000_000, 1_000_099);
        using var part = await cluster.Api.Http.SendAsync(ranged);
        await Assert.That(part.StatusCode).IsEqualTo(HttpStatusCode.PartialContent);
        await Assert.That(await part.Content.ReadAsByteArrayAsync()).IsEquivalentTo(expected[1_000_000..1_000_100], TUnit.Assertions.Enums.CollectionOrdering.Matching);

        using var beyond = new HttpRequestMessage(HttpMethod.Get, $"v1/jobs/{job.Id}/artifact");
        beyond.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Api.Bob);
        beyond.Headers.Range = new RangeHeaderValue(size + 10, size + 20);
        using var unsatisfiable = await cluster.Api.Http.SendAsync(beyond);
        await Assert.That(unsatisfiable.StatusCode).IsEqualTo(HttpStatusCode.RequestedRangeNotSatisfiable);

        using var cached = new HttpRequestMessage(HttpMethod.Get, $"v1/jobs/{job.Id}/artifact");
        cached.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Api.Bob);
        cached.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{sha}\""));
        using var notModified = await cluster.Api.Http.SendAsync(cached);
        await Assert.That(notModified.StatusCode).IsEqualTo(HttpStatusCode.NotModified);

        using var otherOwner = await cluster.Api.GetAsync($"v1/jobs/{job.Id}/artifact", cluster.Api.Carol);
        await Assert.That(otherOwner.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task an_empty_artifact_is_an_artifact_and_a_job_without_one_answers_404()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        var empty = await RunAsync(cluster, 1, 0);
        using var submit = await cluster.Api.SendAsync(HttpMethod.Post, "v1/jobs", cluster.Api.Bob, """{"tool":"sleep","force":true,"params":{"seconds":0}}""");
        var sleep = (await ApiServer.ReadAsync(submit, RestJsonContext.Default.JobDto))!;
        await cluster.WaitForStateAsync(sleep.Id, s => s.IsTerminal(), TimeSpan.FromSeconds(10));

        using var emptyDownload = await cluster.Api.GetAsync($"v1/jobs/{empty.Id}/artifact", cluster.Api.Bob);
        using var none = await cluster.Api.GetAsync($"v1/jobs/{sleep.Id}/artifact", cluster.Api.Bob);

        await Assert.That(empty.Artifact!.Sha256).IsEqualTo(Convert.ToHexStringLower(SHA256.HashData([])));
        await Assert.That(emptyDownload.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That((await emptyDownload.Content.ReadAsByteArrayAsync()).Length).IsEqualTo(0);
        await Assert.That(none.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That((await ApiServer.ProblemAsync(none)).ErrorCode).IsEqualTo("no_artifact");
    }

    [Test]
    public async Task an_expired_artifact_answers_410_and_its_file_is_gone()
    {
        await using var cluster = await Cluster.StartAsync(artifactTtl: TimeSpan.FromMilliseconds(300));
        await cluster.AddAgentAsync("a");
        var job = await RunAsync(cluster, 3, 1000);
        var path = (await cluster.Ledger.GetArtifactAsync(job.Id))!.Path;

        await Cluster.WaitForAsync(async () => (await cluster.Ledger.GetArtifactAsync(job.Id))!.DeletedAt is not null, TimeSpan.FromSeconds(10), "the artifact sweep");
        using var gone = await cluster.Api.GetAsync($"v1/jobs/{job.Id}/artifact", cluster.Api.Bob);

        await Assert.That(gone.StatusCode).IsEqualTo(HttpStatusCode.Gone);
        await Assert.That((await ApiServer.ProblemAsync(gone)).ErrorCode).IsEqualTo("artifact_expired");
        await Assert.That(File.Exists(path)).IsFalse();
    }

    [Test]
    public async Task deleting_a_job_removes_its_artifact()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("a");
        var job = await RunAsync(cluster, 5, 5000);
        var path = (await cluster.Ledger.GetArtifactAsync(job.Id))!.Path;

        using var delete = await cluster.Api.SendAsync(HttpMethod.Delete, $"v1/jobs/{job.Id}", cluster.Api.Bob);

        await Assert.That(delete.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
        await Assert.That(File.Exists(path)).IsFalse();
    }

    [Test]
    public async Task an_artifact_larger_than_the_output_limit_is_refused_while_streaming_and_the_attempt_fails()
    {
        await using var cluster = await Cluster.StartAsync(quotas: new EdgeJobs.Coordinator.Ledger.QuotaOptions { MaxOutputBytesPerJob = 10_000 });
        await cluster.AddAgentAsync("liar", tools: [new OversizedArtifactTool()]);

        // The estimate (5 000 bytes) passes at submit; the tool then writes 40 000.
        var job = await RunAsync(cluster, 9, 5000);

        await Assert.That(job.Status).IsEqualTo("failed");
        await Assert.That(job.Error!.Code).IsEqualTo("artifact_missing");
        await Assert.That(job.Artifact).IsNull();
        await Assert.That(Directory.EnumerateFiles(Path.Combine(cluster.Api.Server.Options.DataDir, "artifacts", ".incoming")).Any()).IsFalse();
    }

    /// <summary>Claims to be random-artifact but writes eight times the bytes its params ask for.</summary>
    private sealed class OversizedArtifactTool : EdgeJobs.Agent.Tools.IAgentTool
    {
        public string Id => "random-artifact";

        public string Version => "1";

        public async Task RunAsync(EdgeJobs.Agent.Tools.ToolContext context)
        {
            var path = Path.Combine(context.WorkDir, "big.bin");
            await File.WriteAllBytesAsync(path, new byte[40_000], context.Cancellation);
            context.SetArtifact(path, "big.bin");
        }
    }
}
