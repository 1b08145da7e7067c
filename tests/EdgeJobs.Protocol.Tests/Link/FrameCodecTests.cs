using System.Buffers;
using System.Buffers.Binary;
using EdgeJobs.Protocol.Link;

namespace EdgeJobs.Protocol.Tests.Link;

public class FrameCodecTests
{
    [Test]
    public async Task a_partial_frame_waits_for_more_bytes_and_takes_nothing()
    {
        var bytes = LinkFrames.Encode(new Accept(1, 2));
        foreach (var cut in new[] { 0, 3, 4, bytes.Length - 1 })
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, cut);
            await Assert.That(LinkFrames.TryParseFrame(ref buffer, 1024, out _)).IsFalse();
            await Assert.That(buffer.Length).IsEqualTo(cut);
        }
    }

    [Test]
    public async Task frames_split_across_segments_and_back_to_back_are_read_one_by_one()
    {
        var first = LinkFrames.Encode(new Accept(1, 2));
        var second = LinkFrames.Encode(new Stop(3, 4));
        var all = first.Concat(second).ToArray();
        var buffer = Segmented(all, 3);

        await Assert.That(LinkFrames.TryParseFrame(ref buffer, 1024, out var one)).IsTrue();
        await Assert.That(LinkFrames.Decode(one)).IsEqualTo(new Accept(1, 2));
        await Assert.That(LinkFrames.TryParseFrame(ref buffer, 1024, out var two)).IsTrue();
        await Assert.That(LinkFrames.Decode(two)).IsEqualTo(new Stop(3, 4));
        await Assert.That(buffer.Length).IsEqualTo(0);
    }

    [Test]
    [Arguments(0u)]
    [Arguments(1025u)]
    [Arguments(uint.MaxValue)]
    public async Task a_length_of_zero_or_over_the_maximum_is_refused_before_reading_it(uint length)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, length);
        var buffer = new ReadOnlySequence<byte>(bytes);

        await Assert.That(() => LinkFrames.TryParseFrame(ref buffer, 1024, out _)).Throws<InvalidDataException>();
    }

    [Test]
    [Arguments(new byte[] { 0xEE, 0xEE, 0xEE })]
    [Arguments(new byte[] { 200 })]
    [Arguments(new byte[] { 0x04, 0x02 })]
    public async Task a_payload_that_is_not_a_link_message_is_invalid_data(byte[] payload)
    {
        await Assert.That(() => LinkFrames.Decode(new ReadOnlySequence<byte>(payload))).Throws<InvalidDataException>();
    }

    [Test]
    public async Task a_handshake_read_leaves_the_next_frame_ready_without_waiting_for_more_bytes()
    {
        var pipe = new System.IO.Pipelines.Pipe();
        await pipe.Writer.WriteAsync(LinkFrames.Encode(new Welcome(1, 30000, 5000, [])).Concat(LinkFrames.Encode(new Stop(3, 4))).ToArray());

        var first = await LinkFrames.ReadOneAsync(pipe.Reader, CancellationToken.None);

        await Assert.That(first).IsTypeOf<Welcome>();
        await Assert.That(pipe.Reader.TryRead(out var next)).IsTrue();
        var buffer = next.Buffer;
        await Assert.That(LinkFrames.TryParseFrame(ref buffer, 1024, out var payload)).IsTrue();
        await Assert.That(LinkFrames.Decode(payload)).IsEqualTo(new Stop(3, 4));
        pipe.Reader.AdvanceTo(buffer.Start);
    }

    [Test]
    public async Task a_handshake_read_of_a_closed_pipe_is_null()
    {
        var pipe = new System.IO.Pipelines.Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 5, 0 });
        await pipe.Writer.CompleteAsync();

        await Assert.That(await LinkFrames.ReadOneAsync(pipe.Reader, CancellationToken.None)).IsNull();
    }

    internal static ReadOnlySequence<byte> Segmented(byte[] bytes, int size)
    {
        Segment? first = null;
        Segment? last = null;
        for (var i = 0; i < bytes.Length; i += size)
        {
            var segment = new Segment(bytes.AsMemory(i, Math.Min(size, bytes.Length - i)), last);
            first ??= segment;
            last = segment;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }
}
