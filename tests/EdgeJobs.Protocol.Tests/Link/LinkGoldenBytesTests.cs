using EdgeJobs.Protocol.Link;

namespace EdgeJobs.Protocol.Tests.Link;

/// <summary>
/// The link's bytes are frozen: agents on the edge upgrade after the coordinator, so a changed union
/// tag or member order would make old agents and new coordinators misread each other. If this fails,
/// the change is incompatible: add a new message or append members instead (and bump
/// <see cref="LinkProtocol.Version"/> only for a deliberate break).
/// </summary>
public class LinkGoldenBytesTests
{
    /// <summary>Each message's frame as first shipped, hex.</summary>
    public static IEnumerable<Func<(string Name, string Hex)>> Golden()
    {
        yield return () => ("Hello", "9d000000000c01000000f7ffffff08000000656a5f746f6b656ef7ffffff080000006e6f64652d6b6579f9ffffff06000000656467652d310100000002fbffffff0400000073697465feffffff01000000610100000002faffffff05000000736c656570feffffff010000003104000000010000000207000000000000000300000000000000020100000001000000fdffffff020000007b7d0068e5cf8b010000");
        yield return () => ("Welcome", "2800000001040900000000000000307500008813000001000000030700000000000000030000000000000001");
        yield return () => ("Refused", "200000000202f3ffffff0c000000756e617574686f72697a6564fdffffff020000006e6f");
        yield return () => ("Grant", "4900000003070700000000000000020000000300000000000000faffffff05000000736c656570feffffff0100000031f2ffffff0d0000007b227365636f6e6473223a317d0068e5cf8b010000");
        yield return () => ("Accept", "12000000040207000000000000000300000000000000");
        yield return () => ("Reject", "1e000000050307000000000000000300000000000000fbffffff0400000062757379");
        yield return () => ("Heartbeat", "7c00000006020100000008070000000000000003000000000000000000000000404540fbffffff040000007761727002000000feffffff0100000061feffffff01000000620109000000000000000100000005faffffff05000000612e7469660010000000000000020000000000000008000000000000000100000001000000");
        yield return () => ("Renewed", "18000000070101000000030700000000000000030000000000000002");
        yield return () => ("Stop", "12000000080207000000000000000300000000000000");
        yield return () => ("Finished", "b2000000090a07000000000000000300000000000000" + "03f6ffffff090000006261645f696e707574f3ffffff0c0000006e6f7420612072617374657201000000fbffffff040000006c61737404faffffff05000000612e7469660a00000000000000fdffffff020000006162ffffffff05000000000000000100000005faffffff05000000612e7469660a000000000000000000000000000000ffffffffffffffff010000000100000000000000000000000000f83f");
        yield return () => ("FinishAck", "130000000a030700000000000000030000000000000001");
        yield return () => ("Draining", "020000000b00");
        yield return () => ("ArtifactChunk", "210000000c0407000000000000000300000000000000000004000000000003000000010203");
        yield return () => ("ArtifactFile", "240000000d0407000000000000000300000000000000feffffff0100000070feffffff0100000073");
        yield return () => ("DatasetGrant", "790000000e03070700000000000000020000000300000000000000faffffff05000000736c656570feffffff0100000031fdffffff020000007b7d0000000000000000f5ffffff0a00000061636d652f6669656c64dfffffff20000000687474703a2f2f633a383038302f76312f6c65617365732f742f66696c65732f");
        yield return () => ("StepGrant", "bd0000000f04070700000000000000020000000300000000000000faffffff050000006275696c64feffffff0100000031fdffffff020000007b7d0000000000000000f5ffffff0a00000061636d652f6669656c64f4ffffff0b000000687474703a2f2f632f662f0100000004f2ffffff0d000000737465703a612e6f7574707574ddffffff22000000687474703a2f2f632f76312f6c65617365732f742f73746570732f612f612e746966faffffff05000000612e7469660a00000000000000");
    }

    [Test]
    [MethodDataSource(nameof(Golden))]
    public async Task every_message_encodes_to_its_frozen_bytes(string name, string hex)
    {
        var message = GoldenMessages.All().Single(m => m.Name == name).Message;

        await Assert.That(Convert.ToHexStringLower(LinkFrames.Encode(message))).IsEqualTo(hex);
    }

    [Test]
    [MethodDataSource(nameof(Golden))]
    public async Task the_frozen_bytes_decode_to_an_equal_message(string name, string hex)
    {
        var frame = new System.Buffers.ReadOnlySequence<byte>(Convert.FromHexString(hex));

        await Assert.That(LinkFrames.TryParseFrame(ref frame, LinkProtocol.MaxFrameBytes, out var payload)).IsTrue();
        var decoded = LinkFrames.Decode(payload);
        var expected = GoldenMessages.All().Single(m => m.Name == name).Message;
        await Assert.That(Convert.ToHexStringLower(LinkFrames.Encode(decoded))).IsEqualTo(Convert.ToHexStringLower(LinkFrames.Encode(expected)));
        await Assert.That(decoded.GetType()).IsEqualTo(expected.GetType());
        await Assert.That(frame.Length).IsEqualTo(0);
    }

    [Test]
    public async Task union_tags_are_frozen()
    {
        string[] expected = ["Hello", "Welcome", "Refused", "Grant", "Accept", "Reject", "Heartbeat", "Renewed", "Stop", "Finished", "FinishAck", "Draining", "ArtifactChunk", "ArtifactFile", "DatasetGrant", "StepGrant"];
        for (var tag = 0; tag < expected.Length; tag++)
        {
            var message = GoldenMessages.All().Single(m => m.Name == expected[tag]).Message;
            // Byte 4, right after the length prefix, is the union tag.
            await Assert.That(LinkFrames.Encode(message)[4]).IsEqualTo((byte)tag);
        }
    }

    /// <summary>
    /// Heartbeat and Finished as agents sent them before log lines were numbered: they still decode,
    /// with FirstLogSeq 0 (lines stored as they come, as then).
    /// </summary>
    [Test]
    public async Task messages_from_before_log_numbering_still_decode()
    {
        var heartbeat = (Heartbeat)DecodeFrame("4600000006020100000006070000000000000003000000000000000000000000404540fbffffff040000007761727002000000feffffff0100000061feffffff01000000620101000000");
        var finished = (Finished)DecodeFrame("6800000009070700000000000000030000000000000003f6ffffff090000006261645f696e707574f3ffffff0c0000006e6f7420612072617374657201000000fbffffff040000006c61737403faffffff05000000612e7469660a00000000000000fdffffff020000006162");

        await Assert.That(heartbeat.Leases[0].FirstLogSeq).IsEqualTo(0);
        await Assert.That(heartbeat.Leases[0].NewLogLines).IsEquivalentTo(new[] { "a", "b" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(heartbeat.FreeSlots).IsEqualTo(1);
        await Assert.That(finished.FirstLogSeq).IsEqualTo(0);
        await Assert.That(finished.Artifact!.FileName).IsEqualTo("a.tif");
    }

    /// <summary>
    /// A Hello as agents sent it before they read datasets: it still decodes, with no dataset access, so such an
    /// agent is never granted a job on a dataset (it would not understand the DatasetGrant).
    /// </summary>
    [Test]
    public async Task a_hello_from_before_datasets_still_decodes()
    {
        var hello = (Hello)DecodeFrame("82000000000801000000f7ffffff08000000656a5f746f6b656ef7ffffff080000006e6f64652d6b6579f9ffffff06000000656467652d310100000002fbffffff0400000073697465feffffff01000000610100000002faffffff05000000736c656570feffffff010000003104000000010000000207000000000000000300000000000000");

        await Assert.That(hello.DatasetAccess).IsEqualTo(DatasetAccess.None);
        await Assert.That(hello.Name).IsEqualTo("edge-1");
        await Assert.That(hello.Leases.Length).IsEqualTo(1);
    }

    /// <summary>
    /// A Hello as agents sent it before recipes: it still decodes, with no features, so such an agent is never granted a
    /// recipe's step job (it would not understand the StepGrant).
    /// </summary>
    [Test]
    public async Task a_hello_from_before_recipes_still_decodes()
    {
        var hello = (Hello)DecodeFrame("83000000000901000000f7ffffff08000000656a5f746f6b656ef7ffffff080000006e6f64652d6b6579f9ffffff06000000656467652d310100000002fbffffff0400000073697465feffffff01000000610100000002faffffff05000000736c656570feffffff01000000310400000001000000020700000000000000030000000000000002");

        await Assert.That(hello.Features).IsEqualTo(AgentFeatures.None);
        await Assert.That(hello.DatasetAccess).IsEqualTo(DatasetAccess.Mounted);
    }

    /// <summary>
    /// A Hello as agents sent it before exec tools (with recipes' features): it still decodes, with no manifests, so the
    /// node runs built-in tools only.
    /// </summary>
    [Test]
    public async Task a_hello_from_before_exec_tools_still_decodes()
    {
        var hello = (Hello)DecodeFrame("87000000000a01000000f7ffffff08000000656a5f746f6b656ef7ffffff080000006e6f64652d6b6579f9ffffff06000000656467652d310100000002fbffffff0400000073697465feffffff01000000610100000002faffffff05000000736c656570feffffff0100000031040000000100000002070000000000000003000000000000000201000000");

        await Assert.That(hello.ExecManifests).IsNull();
        await Assert.That(hello.Features).IsEqualTo(AgentFeatures.StepArtifacts);
        await Assert.That(hello.Tools.Length).IsEqualTo(1);
    }

    /// <summary>
    /// A Hello as agents sent it before grant deadlines (Slurm allocations): it still decodes, with no deadline, so the
    /// node is offered jobs of any timeout.
    /// </summary>
    [Test]
    public async Task a_hello_from_before_grant_deadlines_still_decodes()
    {
        var hello = (Hello)DecodeFrame("95000000000b01000000f7ffffff08000000656a5f746f6b656ef7ffffff080000006e6f64652d6b6579f9ffffff06000000656467652d310100000002fbffffff0400000073697465feffffff01000000610100000002faffffff05000000736c656570feffffff010000003104000000010000000207000000000000000300000000000000020100000001000000fdffffff020000007b7d");

        await Assert.That(hello.GrantDeadlineUnixMs).IsEqualTo(0);
        await Assert.That(hello.ExecManifests).IsEquivalentTo(["{}"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    /// <summary>
    /// Heartbeat and Finished as agents sent them before per-output progress was appended: they still decode,
    /// with no outputs (the coordinator then leaves the stored ones as they are).
    /// </summary>
    [Test]
    public async Task messages_from_before_per_output_progress_still_decode()
    {
        var heartbeat = (Heartbeat)DecodeFrame("4e00000006020100000007070000000000000003000000000000000000000000404540fbffffff040000007761727002000000feffffff0100000061feffffff010000006201090000000000000001000000");
        var finished = (Finished)DecodeFrame("7000000009080700000000000000030000000000000003f6ffffff090000006261645f696e707574f3ffffff0c0000006e6f7420612072617374657201000000fbffffff040000006c61737403faffffff05000000612e7469660a00000000000000fdffffff0200000061620500000000000000");

        await Assert.That(heartbeat.Leases[0].Outputs).IsNull();
        await Assert.That(heartbeat.Leases[0].FirstLogSeq).IsEqualTo(9);
        await Assert.That(heartbeat.Leases[0].StopAcknowledged).IsTrue();
        await Assert.That(heartbeat.FreeSlots).IsEqualTo(1);
        await Assert.That(finished.Outputs).IsNull();
        await Assert.That(finished.FirstLogSeq).IsEqualTo(5);
        await Assert.That(finished.Artifact!.SizeBytes).IsEqualTo(10);
    }

    /// <summary>
    /// Finished as agents sent it before the artifact's XXH3 was appended (a SHA-256 only): it still
    /// decodes, without one, and the coordinator checks the SHA-256 as it did.
    /// </summary>
    [Test]
    public async Task a_finished_from_before_the_artifact_checksum_still_decodes()
    {
        var finished = (Finished)DecodeFrame("9e00000009090700000000000000030000000000000003f6ffffff090000006261645f696e707574f3ffffff0c0000006e6f7420612072617374657201000000fbffffff040000006c61737403faffffff05000000612e7469660a00000000000000fdffffff02000000616205000000000000000100000005faffffff05000000612e7469660a000000000000000000000000000000ffffffffffffffff01000000");

        await Assert.That(finished.Artifact).IsEqualTo(new ArtifactInfo("a.tif", 10, "ab"));
        await Assert.That(finished.Artifact!.XxHash3).IsNull();
        await Assert.That(finished.Outputs!.Length).IsEqualTo(1);
    }

    /// <summary>
    /// Finished as agents sent it before the CPU seconds were appended: it still decodes, without them, and the job's
    /// credits settle from its wall seconds.
    /// </summary>
    [Test]
    public async Task a_finished_from_before_cpu_seconds_still_decodes()
    {
        var finished = (Finished)DecodeFrame("a2000000090907000000000000000300000000000000" + "03f6ffffff090000006261645f696e707574f3ffffff0c0000006e6f7420612072617374657201000000fbffffff040000006c61737404faffffff05000000612e7469660a00000000000000fdffffff020000006162ffffffff05000000000000000100000005faffffff05000000612e7469660a000000000000000000000000000000ffffffffffffffff01000000");

        await Assert.That(finished.CpuSeconds).IsNull();
        await Assert.That(finished.Artifact).IsEqualTo(new ArtifactInfo("a.tif", 10, "ab"));
        await Assert.That(finished.Outputs!.Length).IsEqualTo(1);
    }

    /// <summary>Per-output progress round-trips with every value, an unknown block total included.</summary>
    [Test]
    public async Task per_output_progress_round_trips_in_heartbeats_and_finishes()
    {
        OutputReport[] outputs = [new("ms.ndvi.tif", 5_000_000_000, 12, 40, 1), new("b.cog.tif", 0, 0, OutputReport.UnknownTotal, 0)];
        var heartbeat = (Heartbeat)DecodeFrame(Convert.ToHexString(LinkFrames.Encode(new Heartbeat([new LeaseReport(7, 3, 10, "computing", [], false, 1, outputs)], 2))));
        var finished = (Finished)DecodeFrame(Convert.ToHexString(LinkFrames.Encode(new Finished(7, 3, AttemptOutcome.Succeeded, null, null, [], null, 1, outputs))));

        await Assert.That(heartbeat.Leases[0].Outputs!).IsEquivalentTo(outputs, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(finished.Outputs!).IsEquivalentTo(outputs, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(finished.Outputs![1].BlocksTotal).IsEqualTo(OutputReport.UnknownTotal);
    }

    /// <summary>
    /// Finished as agents of protocol 1 sent it before the artifact member was appended: a newer
    /// coordinator still reads it, with no artifact.
    /// </summary>
    [Test]
    public async Task a_finished_from_before_artifacts_were_added_still_decodes()
    {
        var frame = new System.Buffers.ReadOnlySequence<byte>(Convert.FromHexString("4800000009060700000000000000030000000000000003f6ffffff090000006261645f696e707574f3ffffff0c0000006e6f7420612072617374657201000000fbffffff040000006c617374"));

        await Assert.That(LinkFrames.TryParseFrame(ref frame, LinkProtocol.MaxFrameBytes, out var payload)).IsTrue();
        var decoded = (Finished)LinkFrames.Decode(payload);

        await Assert.That(decoded with { FinalLogLines = [] }).IsEqualTo(new Finished(7, 3, AttemptOutcome.FatalFailure, "bad_input", "not a raster", [], null));
        await Assert.That(decoded.FinalLogLines).IsEquivalentTo(new[] { "last" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    private static ILinkMessage DecodeFrame(string hex)
    {
        var frame = new System.Buffers.ReadOnlySequence<byte>(Convert.FromHexString(hex));
        return LinkFrames.TryParseFrame(ref frame, LinkProtocol.MaxFrameBytes, out var payload)
            ? LinkFrames.Decode(payload)
            : throw new InvalidOperationException("not a whole frame");
    }
}
