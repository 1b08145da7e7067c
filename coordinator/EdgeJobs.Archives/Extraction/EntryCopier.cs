using System.Buffers;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace EdgeJobs.Archives.Extraction;

/// <summary>Copies one entry's bytes into its staged file, block by block, holding its declared size to account.</summary>
internal sealed class EntryCopier(StagingArea staging, long totalBytes, Action<long, long>? progress) : IDisposable
{
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(ArchiveExtractor.BufferSize);
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Crc32 _crc32 = new();
    private long _done;

    /// <summary>The entry being extracted, set before its data is opened, so a refusal names the right one.</summary>
    public PlannedEntry? Current { get; set; }

    /// <param name="expectedCrc32">
    /// A ZIP entry's CRC-32 from the central directory. ZipArchive stops an entry's stream at the declared
    /// length without checking the CRC, so a directory that lies low yields a silently truncated file; the CRC
    /// is what tells.
    /// </param>
    public async Task<ArchiveRefusal?> CopyAsync(PlannedEntry entry, Stream? source, uint? expectedCrc32, CancellationToken cancellationToken)
    {
        Current = entry;
        await using var target = staging.Create(entry);
        long written = 0;
        while (source is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = await source.ReadAsync(_buffer.AsMemory(0, ArchiveExtractor.BufferSize), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            written += read;
            if (written > entry.Size)
            {
                // A header that lies low must not get to write past what the limits were checked against.
                return new ArchiveRefusal(ArchiveRule.SizeMismatch, entry.Name, $"yields more than the {entry.Size} bytes its header declares");
            }

            _sha256.AppendData(_buffer, 0, read);
            if (expectedCrc32 is not null)
            {
                _crc32.Append(_buffer.AsSpan(0, read));
            }

            await target.WriteAsync(_buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            _done += read;
            progress?.Invoke(_done, totalBytes);
        }

        if (written != entry.Size)
        {
            return new ArchiveRefusal(ArchiveRule.SizeMismatch, entry.Name, $"yields {written} of the {entry.Size} bytes its header declares");
        }

        var crcMatches = expectedCrc32 is not { } crc || _crc32.GetCurrentHashAsUInt32() == crc;
        _crc32.Reset();
        if (!crcMatches)
        {
            return new ArchiveRefusal(ArchiveRule.Corrupt, entry.Name, "does not match the CRC-32 its header declares");
        }

        staging.Add(entry, _sha256);
        return null;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _sha256.Dispose();
    }
}
