using System.Buffers;
using System.Security.Cryptography;

namespace EdgeJobs.Coordinator.Datasets;

/// <summary>
/// An upload in progress, in its partial file under <c>datasets/.incoming/</c>: appended in order and hashed
/// (SHA-256) as it arrives, never held in memory. A part that ends before the file is whole leaves the
/// partial synced to disk, so the next request (or the next coordinator) continues from its length.
/// </summary>
internal sealed class PartialUpload : IDisposable
{
    /// <summary>Start writeback every this many bytes, so the final fdatasync finds little left (as ArtifactStore does).</summary>
    private const long WritebackBytes = 8 << 20;

    private readonly FileStream _file;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _writebackFrom;
    private bool _writebackUnsupported;

    private PartialUpload(string path, FileStream file)
    {
        Path = path;
        _file = file;
    }

    public string Path { get; }

    public long Length { get; private set; }

    /// <summary>A new upload: whatever partial was there is replaced.</summary>
    public static PartialUpload Create(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return new PartialUpload(path, new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16));
    }

    /// <summary>
    /// Continues a partial. SHA-256's state cannot be saved between requests, so what is there is read
    /// once and hashed again: a resume costs a sequential read of the part already sent, never a re-send.
    /// </summary>
    public static async Task<PartialUpload> ResumeAsync(string path, CancellationToken cancellation)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        var upload = new PartialUpload(path, file);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            int read;
            while ((read = await file.ReadAsync(buffer, cancellation).ConfigureAwait(false)) > 0)
            {
                upload._hash.AppendData(buffer, 0, read);
                upload.Length += read;
            }

            upload._writebackFrom = upload.Length;
            return upload;
        }
        catch
        {
            upload.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The current length of the partial at <paramref name="path"/>, 0 when there is none.</summary>
    public static long LengthOf(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? info.Length : 0;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        _file.Write(data);
        _hash.AppendData(data);
        Length += data.Length;
        if (Length - _writebackFrom >= WritebackBytes)
        {
            StartWriteback();
        }
    }

    /// <summary>Makes what arrived so far durable, for a later part to continue from.</summary>
    public void Keep() => _file.Flush(flushToDisk: true);

    /// <summary>Syncs the whole file to disk and closes it; returns its SHA-256 (hex).</summary>
    public string Seal()
    {
        _file.Flush(flushToDisk: true);
        _file.Dispose();
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    /// <summary>Closes and removes the partial: the upload is refused and must leave nothing.</summary>
    public void Discard()
    {
        _file.Dispose();
        File.Delete(Path);
    }

    private void StartWriteback()
    {
        _file.Flush();
        if (!_writebackUnsupported && OperatingSystem.IsLinux()
            && Interop.Libc.sync_file_range((int)_file.SafeFileHandle.DangerousGetHandle(), _writebackFrom, Length - _writebackFrom, Interop.Libc.SYNC_FILE_RANGE_WRITE) != 0)
        {
            // Only a hint (a file system without it): the seal's fsync is what counts.
            _writebackUnsupported = true;
        }

        _writebackFrom = Length;
    }

    public void Dispose()
    {
        _file.Dispose();
        _hash.Dispose();
    }
}
