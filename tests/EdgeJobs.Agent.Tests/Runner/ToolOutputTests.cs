using EdgeJobs.Agent.Tools;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests.Runner;

public class ToolOutputTests
{
    [Test]
    public async Task an_output_is_measured_at_each_report_until_sealed_and_keeps_its_final_size_after_the_file_moves()
    {
        using var dir = new TempDir();
        var outputs = new ToolOutputs();
        var path = dir.File("out.tif");
        var output = outputs.Add("a.tif", path);

        await Assert.That(outputs.Reports()![0]).IsEqualTo(new EdgeJobs.Protocol.Link.OutputReport("a.tif", 0, 0, EdgeJobs.Protocol.Link.OutputReport.UnknownTotal, 0));
        await File.WriteAllBytesAsync(path, new byte[10]);
        output.SetBlocks(1, 3);
        await Assert.That(outputs.Reports()![0]).IsEqualTo(new EdgeJobs.Protocol.Link.OutputReport("a.tif", 10, 1, 3, 1));

        outputs.Seal();
        File.Move(path, dir.File("outbox.tif"));
        await Assert.That(outputs.Reports()![0]).IsEqualTo(new EdgeJobs.Protocol.Link.OutputReport("a.tif", 10, 1, 3, 1));
    }

    [Test]
    public async Task no_outputs_report_as_an_older_agent_does_and_a_name_is_tracked_once()
    {
        var outputs = new ToolOutputs();

        await Assert.That(outputs.Reports()).IsNull();
        outputs.Add("a.tif", "/nowhere/a.tif");
        await Assert.That(() => outputs.Add("a.tif", "/nowhere/b.tif")).Throws<InvalidOperationException>();
    }
}
