using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using MemoryPack;

namespace EdgeJobs.Protocol.Link;

/// <summary>The frame codec: <c>[u32 little-endian payload length][MemoryPack ILinkMessage]</c>.</summary>
public static class LinkFrames
{
    /// <summary>
    /// Takes one whole frame off the front of <paramref name="buffer"/>. Pure: no I/O, no allocation.
    /// </summary>
    /// <returns>True with the payload when a whole frame is there; false when more bytes are needed.</returns>
    /// <exception cref="InvalidDataException">The length prefix is zero or above <paramref name="maxFrameBytes"/>.</exception>
    public static bool TryParseFrame(ref ReadOnlySequence<byte> buffer, int maxFrameBytes, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        if (buffer.Length < 4)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(prefix);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        if (length == 0 || length > (uint)maxFrameBytes)
        {
            ThrowBadLength(length, maxFrameBytes);
        }

        if (buffer.Length < 4 + length)
        {
            return false;
        }

        payload = buffer.Slice(4, length);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    /// <summary>Deserializes a payload taken by <see cref="TryParseFrame"/>.</summary>
    /// <exception cref="InvalidDataException">The payload is not a link message.</exception>
    public static ILinkMessage Decode(in ReadOnlySequence<byte> payload)
    {
        try
        {
            return MemoryPackSerializer.Deserialize<ILinkMessage>(payload) ?? throw new InvalidDataException("empty link message");
        }
        catch (MemoryPackSerializationException e)
        {
            throw new InvalidDataException("malformed link message: " + e.Message, e);
        }
    }

    /// <summary>
    /// Reads exactly one message for a handshake, leaving anything after it in the pipe
    /// <em>unexamined</em>: a frame that arrived in the same read (a Grant right behind a Welcome) is seen
    /// by the next read at once rather than after more bytes arrive. Null when the pipe ends first.
    /// </summary>
    public static async Task<ILinkMessage?> ReadOneAsync(PipeReader input, CancellationToken cancellation)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellation).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryParseFrame(ref buffer, LinkProtocol.MaxFrameBytes, out var payload))
            {
                try
                {
                    return Decode(payload);
                }
                finally
                {
                    input.AdvanceTo(buffer.Start);
                }
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>Writes one frame into <paramref name="writer"/> (not flushed).</summary>
    public static void Write(PipeWriter writer, ILinkMessage message, ArrayBufferWriter<byte> scratch)
    {
        scratch.ResetWrittenCount();
        MemoryPackSerializer.Serialize(scratch, message);
        var span = writer.GetSpan(4 + scratch.WrittenCount);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)scratch.WrittenCount);
        scratch.WrittenSpan.CopyTo(span[4..]);
        writer.Advance(4 + scratch.WrittenCount);
    }

    /// <summary>One frame as bytes (tests, golden files).</summary>
    public static byte[] Encode(ILinkMessage message)
    {
        var payload = MemoryPackSerializer.Serialize(message);
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload.Length);
        payload.CopyTo(frame, 4);
        return frame;
    }

    private static void ThrowBadLength(uint length, int max) =>
        throw new InvalidDataException($"link frame length {length} is outside 1..{max}");
}
