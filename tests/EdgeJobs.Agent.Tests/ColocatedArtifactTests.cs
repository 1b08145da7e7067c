using System.Security.Cryptography;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests;

/// <summary>The agent in the coordinator's process hands artifacts over by renaming them; nobody else may.</summary>
public class ColocatedArtifactTests
{
    [Test]
    public async Task the_colocated_agent_hands_its_artifact_over_by_rename_and_it_downloads_whole()
    {
        using var agentDir = new TempDir();
        var workDir = agentDir.File("agent");
        await using var cluster = await Cluster.StartAsync(colocatedAgentWorkDir: workDir);
        await cluster.AddAgentAsync("local", workDir: workDir, colocationSecret: cluster.Api.Server.ColocationSecret);
        var expected = ArtifactTests.Expected(5, 300_000);

        var job = await cluster.SubmitAndWaitAsync("{\"tool\":\"random-artifact\",\"force\":true,\"params\":{\"bytes\":300000,\"seed\":5}}");

        await Assert.That(job.Status).IsEqualTo("completed");
        await Assert.That(job.Attempt).IsEqualTo(1);
        await Assert.That(job.Artifact!.Sha256).IsEqualTo(Convert.ToHexStringLower(SHA256.HashData(expected)));
        using var download = await cluster.Api.GetAsync($"v1/jobs/{job.Id}/artifact", cluster.Api.Bob);
        await Assert.That(await download.Content.ReadAsByteArrayAsync()).IsEquivalentTo(expected, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(Directory.EnumerateFiles(workDir, "*.bin", SearchOption.AllDirectories)).IsEmpty();
    }

    [Test]
    public async Task an_agent_without_the_secret_is_refused_and_the_job_fails_as_artifact_missing()
    {
        using var agentDir = new TempDir();
        var workDir = agentDir.File("agent");
        await using var cluster = await Cluster.StartAsync(colocatedAgentWorkDir: workDir);
        await cluster.AddAgentAsync("impostor", workDir: workDir, colocationSecret: new string('0', 64));

        var job = await cluster.SubmitAndWaitAsync("{\"tool\":\"random-artifact\",\"force\":true,\"max_attempts\":2,\"params\":{\"bytes\":1000,\"seed\":5}}");

        await Assert.That(job.Status).IsEqualTo("failed");
        await Assert.That(job.Error!.Code).IsEqualTo("artifact_missing");
        await Assert.That(job.Attempt).IsEqualTo(2);
    }

    [Test]
    public async Task the_right_secret_with_a_file_outside_the_colocated_work_dir_is_refused()
    {
        using var agentDir = new TempDir();
        await using var cluster = await Cluster.StartAsync(colocatedAgentWorkDir: agentDir.File("agent"));
        var elsewhere = agentDir.File("elsewhere");
        await cluster.AddAgentAsync("local", workDir: elsewhere, colocationSecret: cluster.Api.Server.ColocationSecret);

        var job = await cluster.SubmitAndWaitAsync("{\"tool\":\"random-artifact\",\"force\":true,\"max_attempts\":1,\"params\":{\"bytes\":1000,\"seed\":5}}");

        await Assert.That(job.Status).IsEqualTo("failed");
        await Assert.That(job.Error!.Code).IsEqualTo("artifact_missing");
        var artifacts = Path.Combine(cluster.Api.Server.Options.DataDir, "artifacts");
        await Assert.That(Directory.Exists(artifacts) ? Directory.EnumerateFiles(artifacts, "*", SearchOption.AllDirectories) : []).IsEmpty();
    }

    [Test]
    public async Task a_coordinator_without_a_colocated_agent_refuses_any_artifact_file()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.AddAgentAsync("remote", colocationSecret: "guess");

        var job = await cluster.SubmitAndWaitAsync("{\"tool\":\"random-artifact\",\"force\":true,\"max_attempts\":1,\"params\":{\"bytes\":1000,\"seed\":5}}");

        await Assert.That(job.Status).IsEqualTo("failed");
        await Assert.That(job.Error!.Code).IsEqualTo("artifact_missing");
    }
}
