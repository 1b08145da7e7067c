using System.Buffers;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;
using EdgeJobs.Protocol.Datasets;

namespace EdgeJobs.Archives.Writing;

/// <summary>
/// Writes a ZIP of many files to an output that only goes forward (an HTTP response, a pipe, an artifact
/// file), as it reads them: each entry is a local header, the data, and a data descriptor with its CRC and
/// sizes; the central directory follows the last entry. Memory is one pooled block plus one small record
/// per entry, whatever the sizes. Entries are STORED unless <see cref="ZipSource.Deflate"/> asks otherwise.
/// ZIP64 records are written where a size, an offset or the entry count needs them, and only there, so
/// small archives stay readable by old tools.
/// </summary>
/// <remarks>
/// Why not <see cref="ZipArchive"/> in Create mode: it does stream to a non-seekable output, but it cannot be
/// told an entry's size, so every local header goes out without a ZIP64 extra and with "version needed 2.0";
/// an entry that then passes 4 GB gets a data descriptor with 8-byte sizes, which APPNOTE 4.3.9.2 allows only
/// after a ZIP64 extra. Measured on .NET 10.0.12 with a 4.3 GB stored entry: unzip -t and python's zipfile
/// accept the archive (they read the central directory), but libarchive reading it as a stream (bsdtar from
/// a pipe) fails with "ZIP compressed data is wrong size (read 4594967296, expected 300000000)": it took the
/// low 4 bytes of the 8-byte size. Here the caller gives each size up front, so ZIP64 is decided before the
/// entry's first byte, and the same bsdtar reads this writer's 4.3 GB entry whole.
/// </remarks>
public sealed partial class ZipStreamWriter : IAsyncDisposable
{
    private const int BlockSize = 128 * 1024;

    private readonly CountingWriteStream _output;
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly List<ZipCentralRecord> _entries = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly byte[] _block = ArrayPool<byte>.Shared.Rent(BlockSize);
    private bool _finished;
    private bool _faulted;
    private bool _disposed;

    public ZipStreamWriter(Stream output, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        _inner = output;
        _output = new CountingWriteStream(output);
        _leaveOpen = leaveOpen;
    }

    /// <summary>Bytes written to the output so far.</summary>
    public long BytesWritten => _output.Written;

    public int EntryCount => _entries.Count;

    /// <summary>
    /// Writes one entry. Throws <see cref="InvalidDataException"/> when the source yields more or fewer bytes
    /// than <see cref="ZipSource.Size"/> (the archive is then unusable: abandon it).
    /// </summary>
    public async Task AddAsync(ZipSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ThrowIfNotWritable();
        var error = DatasetPaths.Check(source.Name, out _);
        if (error is not null)
        {
            throw new ArgumentException($"entry name '{source.Name}' {error}", nameof(source));
        }

        if (source.Size < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(source), $"entry '{source.Name}' has a negative size");
        }

        if (!_names.Add(source.Name))
        {
            throw new ArgumentException($"entry '{source.Name}' is already in the archive", nameof(source));
        }

        _faulted = true; // until the entry is complete: a half-written entry cannot be taken back
        var name = Encoding.UTF8.GetBytes(source.Name);
        var method = source.Deflate ? ZipRecords.Deflated : ZipRecords.Stored;
        var zip64 = NeedsZip64(source.Size, source.Deflate);
        var dosTime = ZipRecords.DosTime(source.LastModified);
        var offset = _output.Written;

        var header = ArrayPool<byte>.Shared.Rent(ZipRecords.LocalHeaderLength + name.Length + 20);
        try
        {
            var length = ZipRecords.WriteLocalHeader(header, method, dosTime, name, zip64);
            await _output.WriteAsync(header.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(header);
        }

        var dataStart = _output.Written;
        var (crc, size) = await CopyDataAsync(source, cancellationToken).ConfigureAwait(false);
        var compressed = _output.Written - dataStart;
        if (!zip64 && compressed >= ZipRecords.Max32)
        {
            // NeedsZip64 leaves room for deflate's worst case; reaching this is a bug, not bad input.
            throw new InvalidOperationException($"entry '{source.Name}' compressed past 4 GB without ZIP64");
        }

        var descriptorLength = ZipRecords.WriteDataDescriptor(_block, crc, compressed, size, zip64);
        await _output.WriteAsync(_block.AsMemory(0, descriptorLength), cancellationToken).ConfigureAwait(false);
        _entries.Add(new ZipCentralRecord(name, method, dosTime, crc, compressed, size, offset, zip64));
        _faulted = false;
    }

    /// <summary>Writes the central directory and the end records, and flushes. The archive is complete after it.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfNotWritable();
        _faulted = true;
        var directoryOffset = _output.Written;
        var used = 0;
        foreach (var entry in _entries)
        {
            // Names are dataset paths (at most 1 KB), so a record always fits the block.
            var needed = ZipRecords.CentralHeaderLength + entry.Name.Length + ZipRecords.CentralHeaderMaxExtra;
            if (used + needed > BlockSize)
            {
                await _output.WriteAsync(_block.AsMemory(0, used), cancellationToken).ConfigureAwait(false);
                used = 0;
            }

            used += ZipRecords.WriteCentralHeader(_block.AsSpan(used), entry);
        }

        await _output.WriteAsync(_block.AsMemory(0, used), cancellationToken).ConfigureAwait(false);
        var directorySize = _output.Written - directoryOffset;
        var endLength = ZipRecords.WriteEnd(_block, _entries.Count, directoryOffset, directorySize);
        await _output.WriteAsync(_block.AsMemory(0, endLength), cancellationToken).ConfigureAwait(false);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        _finished = true;
        _faulted = false;
    }

    /// <summary>Writes a whole archive of <paramref name="sources"/>, in order; returns its length.</summary>
    public static async Task<long> WriteAsync(Stream output, IEnumerable<ZipSource> sources, CancellationToken cancellationToken = default)
    {
        await using var writer = new ZipStreamWriter(output, leaveOpen: true);
        foreach (var source in sources)
        {
            await writer.AddAsync(source, cancellationToken).ConfigureAwait(false);
        }

        await writer.FinishAsync(cancellationToken).ConfigureAwait(false);
        return writer.BytesWritten;
    }

    /// <summary>Releases the block; closes the output unless left open. Does not finish the archive.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ArrayPool<byte>.Shared.Return(_block);
        if (!_leaveOpen)
        {
            await _inner.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether an entry of <paramref name="size"/> bytes may pass 4 GB once written: stored data is the size;
    /// deflate may grow incompressible data by about 5 bytes per 16 KB block, so a margin of 1/2048 covers it.
    /// </summary>
    internal static bool NeedsZip64(long size, bool deflate) =>
        (deflate ? size + (size >> 11) + 1024 : size) >= ZipRecords.Max32;

    private async Task<(uint Crc, long Size)> CopyDataAsync(ZipSource source, CancellationToken cancellationToken)
    {
        var crc = new Crc32();
        long size = 0;
        var input = await source.Open(cancellationToken).ConfigureAwait(false);
        await using (input.ConfigureAwait(false))
        {
            var deflater = source.Deflate ? new DeflateStream(_output, CompressionLevel.Fastest, leaveOpen: true) : null;
            await using (deflater)
            {
                var target = deflater ?? (Stream)_output;
                int read;
                while ((read = await input.ReadAsync(_block.AsMemory(0, BlockSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    size += read;
                    if (size > source.Size)
                    {
                        // Stop before the entry passes the size ZIP64 was decided on.
                        throw new InvalidDataException($"entry '{source.Name}' yields more than the {source.Size} bytes declared");
                    }

                    crc.Append(_block.AsSpan(0, read));
                    await target.WriteAsync(_block.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        if (size != source.Size)
        {
            throw new InvalidDataException($"entry '{source.Name}' yields {size} of the {source.Size} bytes declared");
        }

        return (crc.GetCurrentHashAsUInt32(), size);
    }

    private void ThrowIfNotWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_finished || _faulted)
        {
            throw new InvalidOperationException(_finished ? "the archive is finished" : "an entry failed part-way; the archive cannot be completed");
        }
    }
}
