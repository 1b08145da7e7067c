using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace EdgeJobs.Coordinator.Tiles;

/// <summary>
/// RGBA pixels to a PNG (8-bit, colour type 6, no interlace). Written here rather than through GDAL's PNG driver, which
/// only writes files: a tile is encoded in memory and sent. Rows use the Up filter, which suits smooth imagery and
/// costs one subtraction per byte; compression is zlib's fastest, as tile servers choose.
/// </summary>
public static class PngEncoder
{
    private static readonly byte[] s_signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Encode(ReadOnlySpan<byte> rgba, int width, int height)
    {
        if (rgba.Length != width * height * 4)
        {
            throw new ArgumentException($"{rgba.Length} bytes are not {width}×{height} RGBA pixels", nameof(rgba));
        }

        using var output = new MemoryStream(rgba.Length / 4);
        output.Write(s_signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8; // bits per channel
        header[9] = 6; // RGBA
        Chunk(output, "IHDR"u8, header);
        Chunk(output, "IDAT"u8, Compress(rgba, width, height));
        Chunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    private static byte[] Compress(ReadOnlySpan<byte> rgba, int width, int height)
    {
        var stride = width * 4;
        var filtered = new byte[(stride + 1) * height];
        for (var row = 0; row < height; row++)
        {
            var target = filtered.AsSpan(row * (stride + 1), stride + 1);
            var current = rgba.Slice(row * stride, stride);
            if (row == 0)
            {
                target[0] = 0; // None
                current.CopyTo(target[1..]);
                continue;
            }

            target[0] = 2; // Up
            var above = rgba.Slice((row - 1) * stride, stride);
            for (var i = 0; i < stride; i++)
            {
                target[i + 1] = (byte)(current[i] - above[i]);
            }
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(filtered);
        }

        return compressed.ToArray();
    }

    private static void Chunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        output.Write(type);
        output.Write(data);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        Span<byte> sum = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(sum, crc.GetCurrentHashAsUInt32());
        output.Write(sum);
    }
}
