using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace EdgeJobs.Coordinator.Datasets;

/// <summary>
/// 1 MiB buffers whose start is aligned to <see cref="Alignment"/>, as direct I/O (O_DIRECT) requires of the memory it
/// writes from: pinned arrays (they never move) a little larger than a chunk, used from their first aligned byte. A few are
/// kept for the next upload; more are made when uploads run side by side, and dropped to the GC when returned past the cap.
/// </summary>
internal static class AlignedChunks
{
    public const int Bytes = 1 << 20;

    /// <summary>Enough for any device's logical block (512 bytes here, 4 KiB on some disks).</summary>
    public const int Alignment = 4096;

    private const int Kept = 8;

    private static readonly ConcurrentBag<AlignedChunk> Free = [];

    public static AlignedChunk Rent()
    {
        if (Free.TryTake(out var chunk))
        {
            return chunk;
        }

        var array = GC.AllocateUninitializedArray<byte>(Bytes + Alignment, pinned: true);
        var address = Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);
        var start = (int)((Alignment - (address % Alignment)) % Alignment);
        return new AlignedChunk(array, start);
    }

    public static void Return(AlignedChunk chunk)
    {
        if (Free.Count < Kept)
        {
            Free.Add(chunk);
        }
    }
}

/// <summary>A chunk's bytes: <see cref="AlignedChunks.Bytes"/> of <paramref name="Array"/> from <paramref name="Start"/>.</summary>
internal readonly record struct AlignedChunk(byte[] Array, int Start)
{
    public Span<byte> Span => Array.AsSpan(Start, AlignedChunks.Bytes);

    public ReadOnlyMemory<byte> Memory(int length) => Array.AsMemory(Start, length);
}
