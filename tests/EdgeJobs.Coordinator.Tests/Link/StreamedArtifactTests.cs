using System.IO.Hashing;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Security.Cryptography;
using EdgeJobs.Protocol.Link;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Link;

/// <summary>
/// An artifact streamed by a remote agent is checked end to end before it is recorded: by its XXH3 from
/// agents that send one (the SHA-256 is then the coordinator's own, computed as it arrived), by its
/// SHA-256 from agents before that. A mismatch fails the attempt as artifact_corrupt and keeps nothing.
/// Driven over a raw link socket, so the agent's side of the check can be made to lie.
/// </summary>
public class StreamedArtifactTests
{
    private static readonly byte[] s_data = RandomNumberGenerator.GetBytes(200_000);

    private static string XxHash3Of(byte[] data) => Convert.ToHexStringLower(XxHash3.Hash(data));

    [Test]
    public async Task a_checksum_that_matches_records_the_sha256_computed_on_arrival()
    {
        var job = await RunAsync(new ArtifactInfo("a.bin", s_data.Length, "", XxHash3Of(s_data)));

        await Assert.That(job.Status).IsEqualTo("completed");
        await Assert.That(job.Artifact!.Sha256).IsEqualTo(Convert.ToHexStringLower(SHA256.HashData(s_data)));
    }

    [Test]
    public async Task an_agent_from_before_the_checksum_is_checked_by_its_sha256()
    {
        var job = await RunAsync(new ArtifactInfo("a.bin", s_data.Length, Convert.ToHexStringLower(SHA256.HashData(s_data))));

        await Assert.That(job.Status).IsEqualTo("completed");
        await Assert.That(job.Artifact!.Sha256).IsEqualTo(Convert.ToHexStringLower(SHA256.HashData(s_data)));
    }

    [Test]
    [Arguments("xxh3")]
    [Arguments("sha256")]
    [Arguments("size")]
    public async Task a_mismatch_fails_the_attempt_as_corrupt_and_keeps_nothing(string lie)
    {
        var info = lie switch
        {
            "xxh3" => new ArtifactInfo("a.bin", s_data.Length, "", "0123456789abcdef"),
            "sha256" => new ArtifactInfo("a.bin", s_data.Length, new string('0', 64)),
            _ => new ArtifactInfo("a.bin", s_data.Length + 1, "", XxHash3Of(s_data)),
        };

        var job = await RunAsync(info);

        await Assert.That(job.Status).IsEqualTo("failed");
        await Assert.That(job.Error!.Code).IsEqualTo("artifact_corrupt");
        await Assert.That(job.Artifact).IsNull();
    }

    /// <summary>Plays an agent that runs one random-artifact job (one attempt) and streams <see cref="s_data"/> with <paramref name="info"/>.</summary>
    private static async Task<JobDto> RunAsync(ArtifactInfo info)
    {
        await using var api = await ApiServer.StartAsync();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(api.Server.LinkAddress);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var input = PipeReader.Create(stream);
        var output = PipeWriter.Create(stream);
        await stream.WriteAsync(LinkFrames.Encode(new Hello(LinkProtocol.Version, api.Agent, "raw-agent", "raw", [], [new ToolVersion("random-artifact", "1")], 1, [])));
        await Assert.That(await LinkFrames.ReadOneAsync(input, CancellationToken.None)).IsTypeOf<Welcome>();

        using var submit = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, "{\"tool\":\"random-artifact\",\"max_attempts\":1,\"params\":{\"bytes\":200000,\"seed\":1}}");
        var id = (await ApiServer.ReadAsync(submit, RestJsonContext.Default.JobDto))!.Id;
        Grant? grant = null;
        while (grant is null)
        {
            grant = await LinkFrames.ReadOneAsync(input, CancellationToken.None) as Grant;
        }

        await Assert.That(grant.JobId).IsEqualTo(id);
        await stream.WriteAsync(LinkFrames.Encode(new Accept(grant.JobId, grant.Fence)));
        for (var offset = 0; offset < s_data.Length; offset += LinkProtocol.ArtifactChunkBytes)
        {
            var piece = s_data.AsSpan(offset, Math.Min(LinkProtocol.ArtifactChunkBytes, s_data.Length - offset));
            var frame = output.GetSpan(ArtifactChunkFrame.Overhead + piece.Length);
            piece.CopyTo(frame[ArtifactChunkFrame.Overhead..]);
            ArtifactChunkFrame.WriteHeader(frame, grant.JobId, grant.Fence, offset, piece.Length);
            output.Advance(ArtifactChunkFrame.Overhead + piece.Length);
        }

        await output.FlushAsync();
        await stream.WriteAsync(LinkFrames.Encode(new Finished(grant.JobId, grant.Fence, AttemptOutcome.Succeeded, null, null, [], info)));
        while (await LinkFrames.ReadOneAsync(input, CancellationToken.None) is not FinishAck)
        {
        }

        using var get = await api.GetAsync($"v1/jobs/{id}", api.Bob);
        var job = (await ApiServer.ReadAsync(get, RestJsonContext.Default.JobDto))!;
        var artifacts = Path.Combine(api.Server.Options.DataDir, "artifacts");
        if (job.Status != "completed")
        {
            await Assert.That(Directory.EnumerateFiles(artifacts, "*", SearchOption.AllDirectories)).IsEmpty();
        }

        return job;
    }
}
