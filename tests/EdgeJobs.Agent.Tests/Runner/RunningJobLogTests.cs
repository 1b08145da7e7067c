using EdgeJobs.Agent.Runner;
using EdgeJobs.Protocol.Link;

namespace EdgeJobs.Agent.Tests.Runner;

/// <summary>How an agent numbers a lease's log lines, so the coordinator can skip the ones it has.</summary>
public class RunningJobLogTests
{
    private static RunningJob Job(int maxLines = 100) => new(new Grant(7, 1, 3, "sleep", "1", "{}", 0), maxLines);

    [Test]
    public async Task a_line_keeps_its_number_until_acknowledged_and_numbers_continue_after()
    {
        var job = Job();
        job.AddLine("a");
        job.AddLine("b");
        var first = job.TakeReport();
        job.AddLine("c");
        var resent = job.TakeReport(); // no acknowledgement came: everything again, from the same number
        job.AcknowledgeLines();
        job.AddLine("d");
        var next = job.TakeReport();
        var finished = job.Finish(AttemptOutcome.Succeeded, null, null);

        await Assert.That((first.FirstLogSeq, first.NewLogLines.Length)).IsEqualTo((1L, 2));
        await Assert.That((resent.FirstLogSeq, resent.NewLogLines.Length)).IsEqualTo((1L, 3));
        await Assert.That((next.FirstLogSeq, next.NewLogLines[0])).IsEqualTo((4L, "d"));
        await Assert.That((finished.FirstLogSeq, finished.FinalLogLines[0])).IsEqualTo((4L, "d"));
    }

    [Test]
    public async Task lines_dropped_while_offline_never_renumber_lines_already_sent()
    {
        var job = Job(maxLines: 3);
        job.AddLine("sent-1");
        job.AddLine("sent-2");
        job.TakeReport();
        foreach (var i in Enumerable.Range(1, 5))
        {
            job.AddLine($"new-{i}");
        }

        var report = job.TakeReport();

        await Assert.That(report.FirstLogSeq).IsEqualTo(1);
        await Assert.That(report.NewLogLines[..2]).IsEquivalentTo(new[] { "sent-1", "sent-2" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(report.NewLogLines[2]).Contains("log lines dropped");
        await Assert.That(report.NewLogLines[^1]).IsEqualTo("new-5");
    }
}
