using System.Buffers;
using EdgeJobs.Protocol.Link;

namespace EdgeJobs.Protocol.Tests.Link;

/// <summary>The in-place artifact chunk codec and MemoryPack agree byte for byte, both ways.</summary>
public class ArtifactChunkFrameTests
{
    [Test]
    [Arguments(0)]
    [Arguments(1)]
    [Arguments(65_536)]
    [Arguments(100_003)]
    public async Task a_frame_written_in_place_is_the_frame_memorypack_writes(int dataBytes)
    {
        var data = new byte[dataBytes];
        new Random(dataBytes).NextBytes(data);
        var frame = new byte[ArtifactChunkFrame.Overhead + dataBytes];
        data.CopyTo(frame, ArtifactChunkFrame.Overhead);

        ArtifactChunkFrame.WriteHeader(frame, long.MaxValue - 5, 42, 1L << 40, dataBytes);

        await Assert.That(frame).IsEquivalentTo(LinkFrames.Encode(new ArtifactChunk(long.MaxValue - 5, 42, 1L << 40, data)), TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task a_memorypack_frame_is_read_in_place_even_split_across_segments()
    {
        var data = new byte[70_001];
        new Random(7).NextBytes(data);
        var bytes = LinkFrames.Encode(new ArtifactChunk(9, 3, 262_144, data));
        foreach (var segment in new[] { 7, 4096, bytes.Length })
        {
            var buffer = FrameCodecTests.Segmented(bytes, segment);
            await Assert.That(LinkFrames.TryParseFrame(ref buffer, LinkProtocol.MaxFrameBytes, out var payload)).IsTrue();

            await Assert.That(ArtifactChunkFrame.TryRead(payload, out var header, out var read)).IsTrue();
            await Assert.That(header).IsEqualTo(new ArtifactChunkHeader(9, 3, 262_144));
            await Assert.That(read.ToArray()).IsEquivalentTo(data, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }
    }

    [Test]
    public async Task other_messages_are_not_chunks_and_a_chunk_whose_lengths_disagree_is_refused()
    {
        var accept = LinkFrames.Encode(new Accept(1, 2));
        await Assert.That(ArtifactChunkFrame.TryRead(new ReadOnlySequence<byte>(accept, 4, accept.Length - 4), out _, out _)).IsFalse();

        var chunk = LinkFrames.Encode(new ArtifactChunk(1, 2, 0, [1, 2, 3]));
        var truncated = new ReadOnlySequence<byte>(chunk, 4, chunk.Length - 5);
        await Assert.That(() => ArtifactChunkFrame.TryRead(truncated, out _, out _)).Throws<InvalidDataException>();
    }
}
