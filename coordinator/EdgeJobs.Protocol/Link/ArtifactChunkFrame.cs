using System.Buffers;
using System.Buffers.Binary;

namespace EdgeJobs.Protocol.Link;

/// <summary>
/// The <see cref="ArtifactChunk"/> frame read and written in place, byte for byte what MemoryPack makes of
/// it (pinned by the golden bytes and by tests that cross both ways): the agent reads the file straight
/// into the frame and the coordinator appends the bytes straight from the receive buffer, instead of each
/// side copying every chunk into and out of a fresh array (an artifact is the one message measured in
/// hundreds of megabytes). Layout after the u32 frame length: union tag 12, member count 4, job id,
/// fence and offset (i64 LE), data length (i32 LE), data.
/// </summary>
public static class ArtifactChunkFrame
{
    private const byte UnionTag = 12;
    private const byte MemberCount = 4;
    private const int HeaderBytes = 1 + 1 + 8 + 8 + 8 + 4;

    /// <summary>Frame length prefix and chunk header: the bytes in front of the data.</summary>
    public const int Overhead = 4 + HeaderBytes;

    /// <summary>
    /// Fills the frame's first <see cref="Overhead"/> bytes of <paramref name="frame"/> for a chunk whose
    /// <paramref name="dataBytes"/> bytes already sit right behind them.
    /// </summary>
    public static void WriteHeader(Span<byte> frame, long jobId, long fence, long offset, int dataBytes)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(HeaderBytes + dataBytes));
        frame[4] = UnionTag;
        frame[5] = MemberCount;
        BinaryPrimitives.WriteInt64LittleEndian(frame[6..], jobId);
        BinaryPrimitives.WriteInt64LittleEndian(frame[14..], fence);
        BinaryPrimitives.WriteInt64LittleEndian(frame[22..], offset);
        BinaryPrimitives.WriteInt32LittleEndian(frame[30..], dataBytes);
    }

    /// <summary>
    /// Reads a frame payload (as <see cref="LinkFrames.TryParseFrame"/> gives it) that is an artifact
    /// chunk without copying its data; false for any other message.
    /// </summary>
    /// <exception cref="InvalidDataException">It is an artifact chunk, but its lengths disagree.</exception>
    public static bool TryRead(in ReadOnlySequence<byte> payload, out ArtifactChunkHeader header, out ReadOnlySequence<byte> data)
    {
        header = default;
        data = default;
        if (payload.Length < HeaderBytes || payload.FirstSpan[0] != UnionTag)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[HeaderBytes];
        payload.Slice(0, HeaderBytes).CopyTo(bytes);
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes[26..]);
        if (bytes[1] != MemberCount || length < 0 || length != payload.Length - HeaderBytes)
        {
            throw new InvalidDataException($"malformed artifact chunk: {payload.Length} bytes, data length {length}, {bytes[1]} members");
        }

        header = new ArtifactChunkHeader(
            BinaryPrimitives.ReadInt64LittleEndian(bytes[2..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[10..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[18..]));
        data = payload.Slice(HeaderBytes);
        return true;
    }
}

/// <summary>Which upload a chunk belongs to and where its bytes go.</summary>
public readonly record struct ArtifactChunkHeader(long JobId, long Fence, long Offset);
