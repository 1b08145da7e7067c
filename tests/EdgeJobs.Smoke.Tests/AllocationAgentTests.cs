using System.Globalization;

namespace EdgeJobs.Smoke.Tests;

/// <summary>
/// An agent that knows when its node goes away (a Slurm allocation's end, README "HPC"), started by hand with
/// <c>--allocation-end</c>: it is offered no job whose timeout ends after it, and it drains and exits before it.
/// </summary>
[NotInParallel("edgejobs-binary")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class AllocationAgentTests
{
    [Test]
    public async Task an_agent_whose_allocation_ends_takes_no_job_that_outlasts_it_and_hands_back_the_rest_before_the_end()
    {
        await using var coordinator = new CoordinatorProcess();
        await coordinator.StartAsync();
        var end = DateTimeOffset.UtcNow.AddSeconds(30);
        // Drains 3 s + 5 s before the end.
        await using var allocated = new Proc(Binary.EdgeJobsAgent, "--coordinator", $"127.0.0.1:{coordinator.LinkPort}", "--token-file", coordinator.AgentTokenFile,
            "--name", "allocated", "--slots", "2", "--work-dir", Path.Combine(coordinator.DataDir, "agents", "allocated"), "--drain-timeout", "3s",
            "--allocation-end", end.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        var untimed = await coordinator.SubmitAsync("{\"seconds\":120}");
        var running = await coordinator.WaitAsync(untimed, j => j.Status == "running", TimeSpan.FromSeconds(20));
        long outlasting;
        using (var content = new StringContent("{\"tool\":\"sleep\",\"force\":true,\"timeout_s\":600,\"params\":{\"seconds\":1}}", System.Text.Encoding.UTF8, "application/json"))
        {
            using var response = await coordinator.Http.PostAsync("v1/jobs", content);
            await Assert.That((int)response.StatusCode).IsEqualTo(202);
            using var job = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            outlasting = job.RootElement.GetProperty("id").GetInt64();
        }

        // The agent has a free slot the whole time; the job that could not finish before the end is never offered it.
        while (!allocated.HasExited && DateTimeOffset.UtcNow < end)
        {
            var waiting = await coordinator.GetAsync(outlasting);
            await Assert.That(waiting.Status).IsEqualTo("scheduled");
            await Assert.That(waiting.Attempt).IsEqualTo(0);
            await Task.Delay(250);
        }

        await Assert.That(allocated.HasExited).IsTrue().Because("it drains and exits before its allocation ends");
        await Assert.That(allocated.ExitCode).IsEqualTo(0);
        await Assert.That(allocated.Output).Contains("draining now, so no job is cut off by the walltime");
        var handedBack = await coordinator.WaitAsync(untimed, j => j.Status == "scheduled", TimeSpan.FromSeconds(10));
        await Assert.That(handedBack.Attempt).IsEqualTo(1);

        await using var other = coordinator.StartAgent("other", 2);
        await Assert.That((await coordinator.WaitAsync(outlasting, CoordinatorProcess.Ended, TimeSpan.FromSeconds(30))).Status).IsEqualTo("completed");
        await Assert.That((await coordinator.WaitAsync(untimed, j => j.Status == "running" && j.Attempt == 2, TimeSpan.FromSeconds(30))).NodeId).IsNotEqualTo(running.NodeId);
    }
}
