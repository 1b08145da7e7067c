using EdgeJobs.Agent.Runner;
using EdgeJobs.Agent.Tools;
using EdgeJobs.Protocol.Link;
using EdgeJobs.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeJobs.Agent.Tests.Runner;

/// <summary>What occupies an agent's slots: running tools, not results waiting for their acknowledgement.</summary>
public class JobRunnerSlotTests
{
    private static Grant Sleep(long jobId, double seconds) =>
        new(jobId, 1, 1, "sleep", new SleepRunner().Version, "{\"seconds\":" + seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}", 0);

    private static JobRunner Runner(TempDir dir, int slots) => new(
        new AgentOptions { Coordinator = "127.0.0.1:1", Token = "t", WorkDir = dir.Path, DataRoot = dir.Path, Slots = slots },
        new Dictionary<string, IAgentTool> { ["sleep"] = new SleepRunner() }, NullLogger.Instance);

    [Test]
    public async Task an_ended_job_frees_its_slot_before_its_result_is_acknowledged()
    {
        using var dir = new TempDir();
        var runner = Runner(dir, slots: 1);
        var ended = new TaskCompletionSource<Finished>(TaskCreationOptions.RunContinuationsAsynchronously);
        runner.Ended += job => ended.TrySetResult(job.Result!);
        var sent = new List<ILinkMessage>();

        runner.OnGrant(Sleep(1, 0), sent.Add);
        var result = await ended.Task.WaitAsync(TimeSpan.FromSeconds(10));
        runner.OnGrant(Sleep(2, 0), sent.Add); // no FinishAck for job 1 yet

        await Assert.That(result.JobId).IsEqualTo(1);
        await Assert.That(sent.Select(m => m.GetType().Name).ToArray()).IsEquivalentTo(new[] { "Accept", "Accept" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(runner.PendingResults().Select(r => r.JobId)).Contains(1L); // still kept to resend until acknowledged
    }

    [Test]
    public async Task a_running_job_holds_its_slot()
    {
        using var dir = new TempDir();
        var runner = Runner(dir, slots: 1);
        var sent = new List<ILinkMessage>();

        runner.OnGrant(Sleep(1, 30), sent.Add);
        runner.OnGrant(Sleep(2, 0), sent.Add);
        var free = runner.FreeSlots;
        runner.StopAll();

        await Assert.That(sent[0]).IsTypeOf<Accept>();
        await Assert.That(sent[1] is Reject { JobId: 2, Reason: "no free slot" }).IsTrue();
        await Assert.That(free).IsEqualTo(0);
    }
}
