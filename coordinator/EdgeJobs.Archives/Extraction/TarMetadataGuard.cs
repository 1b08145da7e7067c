using System.Buffers;
using System.Text;

namespace EdgeJobs.Archives.Extraction;

/// <summary>
/// Sits between a tar stream and <see cref="System.Formats.Tar.TarReader"/> and refuses a metadata record
/// (pax 'x'/'g', GNU long name 'L'/'K') whose declared size is over a small cap, before the reader sees its
/// header. The reader allocates a metadata record's declared size before reading it: on .NET 10.0 a 2 KB
/// tar.gz whose pax header declares 1 GB costs a 1 GB allocation before the first entry is returned.
/// <para>
/// To know where headers are, it follows the stream the way the reader does: a header block, then the
/// entry's data rounded up to 512 bytes, where the size is the header's (octal or base-256), replaced by the
/// "size" record of a pax 'x' header for the entry after it; links, devices and folders have no data. It
/// never reads ahead of what the reader asks for, and parses only the header fields it needs.
/// </para>
/// </summary>
internal sealed class TarMetadataGuard(Stream inner, int maxMetadataBytes, bool ownsInner) : Stream
{
    private const int Block = 512;

    private readonly byte[] _header = new byte[Block];
    private int _headerServed = Block;
    private int _headerLength = Block;
    private long _dataRemaining;

    // A pax 'x' record's data, collected as it passes (it is under the cap), for its "size".
    private byte[]? _pax;
    private int _paxLength;
    private long _paxDataLength;
    private long? _nextSize;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_headerServed < _headerLength)
        {
            return ServeHeader(buffer.Span);
        }

        if (_dataRemaining > 0)
        {
            var n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _dataRemaining)], cancellationToken).ConfigureAwait(false);
            CollectPax(buffer.Span[..n]);
            _dataRemaining -= n;
            return n;
        }

        // At a header: read the whole block before handing any of it over.
        _headerLength = await inner.ReadAtLeastAsync(_header, Block, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        _headerServed = 0;
        if (_headerLength == Block)
        {
            Inspect();
        }

        return _headerLength == 0 ? 0 : ServeHeader(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int ServeHeader(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, _headerLength - _headerServed);
        _header.AsSpan(_headerServed, n).CopyTo(destination);
        _headerServed += n;
        return n;
    }

    private void Inspect()
    {
        if (!_header.AsSpan().ContainsAnyExcept((byte)0))
        {
            _dataRemaining = 0; // an end-of-archive block
            return;
        }

        var type = (char)_header[156];
        var size = ParseSize(_header.AsSpan(124, 12));
        switch (type)
        {
            case 'x' or 'g' or 'L' or 'K':
                if (size > maxMetadataBytes)
                {
                    throw new InvalidDataException($"a tar metadata record ('{type}') declares {size} bytes, over the {maxMetadataBytes} allowed");
                }

                if (type == 'x' && size > 0)
                {
                    if (_pax is not null)
                    {
                        ArrayPool<byte>.Shared.Return(_pax);
                    }

                    _pax = ArrayPool<byte>.Shared.Rent((int)size);
                    _paxLength = 0;
                    _paxDataLength = size;
                }

                break;
            case '1' or '2' or '3' or '4' or '5' or '6':
                // No data section; the reader refuses a size here, and so does this.
                if (size != 0)
                {
                    throw new InvalidDataException($"a tar entry of type '{type}' declares a data section");
                }

                break;
            default:
                size = _nextSize ?? size;
                _nextSize = null;
                break;
        }

        _dataRemaining = (size + Block - 1) / Block * Block;
    }

    private void CollectPax(ReadOnlySpan<byte> data)
    {
        if (_pax is null)
        {
            return;
        }

        var useful = (int)Math.Min(data.Length, _paxDataLength - _paxLength);
        data[..useful].CopyTo(_pax.AsSpan(_paxLength));
        _paxLength += useful;
        if (_paxLength == _paxDataLength)
        {
            _nextSize = PaxSize(_pax.AsSpan(0, _paxLength));
            ArrayPool<byte>.Shared.Return(_pax);
            _pax = null;
        }
    }

    /// <summary>The "size" record of pax data ("LEN size=VALUE\n"), or null when there is none or it does not parse (the reader then ignores it too).</summary>
    private static long? PaxSize(ReadOnlySpan<byte> records)
    {
        while (records.Length > 0)
        {
            var newline = records.IndexOf((byte)'\n');
            if (newline < 0)
            {
                return null;
            }

            var line = records[..newline];
            records = records[(newline + 1)..];
            var space = line.IndexOf((byte)' ');
            if (space >= 0 && line[(space + 1)..].StartsWith("size="u8)
                && long.TryParse(Encoding.ASCII.GetString(line[(space + 6)..]), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size))
            {
                return size;
            }
        }

        return null;
    }

    /// <summary>A header's size field: octal text ended by NUL or space, or base-256 when the first byte's top bit is set.</summary>
    private static long ParseSize(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) != 0)
        {
            long value = field[0] & 0x7F;
            foreach (var b in field[1..])
            {
                if (value > (long.MaxValue >> 8))
                {
                    throw new InvalidDataException("a tar size field overflows");
                }

                value = (value << 8) | b;
            }

            return value;
        }

        long octal = 0;
        foreach (var b in field)
        {
            if (b is 0 or (byte)' ')
            {
                if (octal > 0)
                {
                    break;
                }

                continue;
            }

            if (b is < (byte)'0' or > (byte)'7' || octal > (long.MaxValue >> 3))
            {
                throw new InvalidDataException("a tar size field is not a number");
            }

            octal = (octal << 3) | (long)(b - '0');
        }

        return octal;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (_pax is not null)
        {
            ArrayPool<byte>.Shared.Return(_pax);
            _pax = null;
        }

        if (disposing && ownsInner)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
