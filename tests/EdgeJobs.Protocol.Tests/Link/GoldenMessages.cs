using EdgeJobs.Protocol.Link;

namespace EdgeJobs.Protocol.Tests.Link;

/// <summary>One instance of every link message with every member set, for the golden-bytes tests.</summary>
internal static class GoldenMessages
{
    public static IEnumerable<(string Name, ILinkMessage Message)> All()
    {
        yield return ("Hello", new Hello(1, "ej_token", "node-key", "edge-1", [new Label("site", "a")], [new ToolVersion("sleep", "1")], 4, [new HeldLease(7, 3)], DatasetAccess.Mounted, AgentFeatures.StepArtifacts, ["{}"], 1700000000000));
        yield return ("Welcome", new Welcome(9, 30000, 5000, [new LeaseVerdict(7, 3, LeaseState.Stop)]));
        yield return ("Refused", new Refused("unauthorized", "no"));
        yield return ("Grant", new Grant(7, 2, 3, "sleep", "1", "{\"seconds\":1}", 1700000000000));
        yield return ("Accept", new Accept(7, 3));
        yield return ("Reject", new Reject(7, 3, "busy"));
        yield return ("Heartbeat", new Heartbeat([new LeaseReport(7, 3, 42.5, "warp", ["a", "b"], true, 9, [new OutputReport("a.tif", 4096, 2, 8, 1)])], 1));
        yield return ("Renewed", new Renewed([new LeaseVerdict(7, 3, LeaseState.Lost)]));
        yield return ("Stop", new Stop(7, 3));
        yield return ("Finished", new Finished(7, 3, AttemptOutcome.FatalFailure, "bad_input", "not a raster", ["last"], new ArtifactInfo("a.tif", 10, "ab"), 5, [new OutputReport("a.tif", 10, 0, OutputReport.UnknownTotal, 1)], 1.5));
        yield return ("FinishAck", new FinishAck(7, 3, true));
        yield return ("Draining", new Draining());
        yield return ("ArtifactChunk", new ArtifactChunk(7, 3, 262144, [1, 2, 3]));
        yield return ("ArtifactFile", new ArtifactFile(7, 3, "p", "s"));
        yield return ("DatasetGrant", new DatasetGrant(new Grant(7, 2, 3, "sleep", "1", "{}", 0), "acme/field", "http://c:8080/v1/leases/t/files/"));
        yield return ("StepGrant", new StepGrant(new Grant(7, 2, 3, "build", "1", "{}", 0), "acme/field", "http://c/f/",
            [new StepArtifact("step:a.output", "http://c/v1/leases/t/steps/a/a.tif", "a.tif", 10)]));
    }
}
