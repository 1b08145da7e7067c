using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace EdgeJobs.Coordinator.Datasets;

/// <summary>
/// An upload in progress, in its partial file under <c>datasets/.incoming/</c>: appended in order and hashed
/// (SHA-256) as it arrives, never held in memory. A part that ends before the file is whole leaves the
/// partial synced to disk, so the next request (or the next coordinator) continues from its length.
/// </summary>
/// <remarks>
/// The bytes are gathered into 1 MiB chunks. Each full chunk is written and hashed off the receiving thread, the hashes in
/// order, at most <see cref="LagChunks"/> chunks behind. SHA-256 costs more CPU than receiving and writing together (0.7 s
/// per GB with SHA extensions); off the receiving thread it overlaps them: a 1 GiB upload to tmpfs took 1.3–1.45 s
/// instead of 1.5–1.8 s on 2 cores (nginx storing it without a hash: 0.6–0.9 s; without the hash ours matched nginx).
/// Whole chunks are written with direct I/O (O_DIRECT) where the file system has it: an upload answers only once its
/// file is on disk, and through the page cache that meant copying every byte into it and then waiting for writeback at
/// the end (this machine's disk: 2 GiB in 2.7–5.1 s through the cache with an fdatasync, 1.3–1.7 s direct). The
/// last, shorter chunk goes through the cache, and the seal's fdatasync covers both.
/// </remarks>
internal sealed class PartialUpload : IAsyncDisposable
{
    private const int ChunkBytes = AlignedChunks.Bytes;

    /// <summary>How many chunks may wait to be written and hashed before receiving waits: the memory an upload holds.</summary>
    private const int LagChunks = 6;

    /// <summary>Start writeback every this many bytes written through the cache, so the final fdatasync finds little left (as ArtifactStore does).</summary>
    private const long WritebackBytes = 8 << 20;

    private readonly FileStream _file;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Queue<Task> _pending = new();
    private Task _hashed = Task.CompletedTask;
    private Task _lastWrite = Task.CompletedTask;
    private SafeFileHandle? _direct;
    private AlignedChunk _chunk = AlignedChunks.Rent();
    private int _filled;
    private long _written;
    private long _writebackFrom;
    private bool _writebackUnsupported;

    /// <summary>A chunk failed to be written: what is on disk has a hole, and must never be kept for a resume.</summary>
    private bool _faulted;

    private PartialUpload(string path, FileStream file, bool direct)
    {
        Path = path;
        _file = file;
        _direct = direct ? OpenDirect(path) : null;
    }

    public string Path { get; }

    /// <summary>The bytes received: those written and those still gathering into the next chunk.</summary>
    public long Length => _written + _filled;

    /// <summary>Whether whole chunks go to disk with direct I/O (the file system allows it).</summary>
    public bool IsDirect => _direct is not null;

    /// <summary>A new upload: whatever partial was there is replaced. <paramref name="direct"/>: false writes all through the cache.</summary>
    public static PartialUpload Create(string path, bool direct = true)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return new PartialUpload(path, new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 0), direct);
    }

    /// <summary>
    /// Continues a partial. SHA-256's state cannot be saved between requests, so what is there is read
    /// once and hashed again: a resume costs a sequential read of the part already sent, never a re-send.
    /// A partial that ends inside a block is continued from the block's start (its tail read back into the first chunk),
    /// so every chunk after it starts aligned for direct I/O.
    /// </summary>
    public static async Task<PartialUpload> ResumeAsync(string path, CancellationToken cancellation, bool direct = true)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 0);
        var upload = new PartialUpload(path, file, direct);
        try
        {
            var held = file.Length;
            var whole = held - (held % AlignedChunks.Alignment);
            var buffer = upload._chunk.Array.AsMemory(upload._chunk.Start, ChunkBytes);
            while (upload._written < whole)
            {
                var read = await RandomAccess.ReadAsync(file.SafeFileHandle, buffer[..(int)Math.Min(ChunkBytes, whole - upload._written)], upload._written, cancellation).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IOException($"the partial upload {path} ended at {upload._written} bytes, not {held}");
                }

                upload._hash.AppendData(buffer.Span[..read]);
                upload._written += read;
            }

            // The tail is hashed and written again with the chunk it begins.
            upload._filled = await RandomAccess.ReadAsync(file.SafeFileHandle, buffer[..(int)(held - whole)], whole, cancellation).ConfigureAwait(false);
            upload._writebackFrom = upload._written;
            return upload;
        }
        catch
        {
            await upload.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The current length of the partial at <paramref name="path"/>, 0 when there is none.</summary>
    public static long LengthOf(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? info.Length : 0;
    }

    /// <summary>Takes bytes in; call <see cref="KeepUpAsync"/> after each read so writing and hashing do not fall behind.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var take = Math.Min(data.Length, ChunkBytes - _filled);
            data[..take].CopyTo(_chunk.Span[_filled..]);
            _filled += take;
            data = data[take..];
            if (_filled == ChunkBytes)
            {
                WriteChunk();
            }
        }
    }

    /// <summary>
    /// Waits while more than <see cref="LagChunks"/> chunks wait to be written and hashed. A chunk that failed is an
    /// <see cref="UploadWriteException"/> (an <see cref="IOException"/>), whatever the cause, so the receiving loop treats
    /// it as the broken upload it is.
    /// </summary>
    public async ValueTask KeepUpAsync()
    {
        try
        {
            while (_pending.Count > LagChunks)
            {
                await _pending.Dequeue().ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            _faulted = true;
            throw AsWriteFailure(e);
        }
    }

    /// <summary>
    /// Makes what arrived so far durable, for a later part to continue from. Throws <see cref="UploadWriteException"/> (the
    /// partial removed) when a part of it could not be written.
    /// </summary>
    public async Task KeepAsync()
    {
        await WriteRestAsync().ConfigureAwait(false);
        _file.Flush(flushToDisk: true);
    }

    /// <summary>Syncs the whole file to disk and closes it; returns its SHA-256 (hex). Throws as <see cref="KeepAsync"/>.</summary>
    public async Task<string> SealAsync()
    {
        await WriteRestAsync().ConfigureAwait(false);
        await _hashed.ConfigureAwait(false);
        _file.Flush(flushToDisk: true);
        _file.Dispose();
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    /// <summary>
    /// Writes the bytes still gathering, after every chunk before them is on disk (the file grows only by whole prefixes),
    /// and waits for all of it; any failure removes the partial.
    /// </summary>
    private async Task WriteRestAsync()
    {
        try
        {
            await SettleAsync().ConfigureAwait(false);
            WriteChunk();
            await SettleAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Discard();
            throw AsWriteFailure(e);
        }
    }

    /// <summary>Whatever a chunk's write or hash threw, as the one failure callers handle.</summary>
    private UploadWriteException AsWriteFailure(Exception e) => e as UploadWriteException ?? new UploadWriteException(Path, e);

    /// <summary>Closes and removes the partial: the upload is refused and must leave nothing.</summary>
    public void Discard()
    {
        _file.Dispose();
        File.Delete(Path);
    }

    /// <summary>
    /// Waits for every chunk handed over. A chunk that could not be written (a full disk, an I/O error) would leave a hole
    /// that a resume would take for data: the caller removes the partial.
    /// </summary>
    private async Task SettleAsync()
    {
        while (_pending.TryDequeue(out var chunk))
        {
            await chunk.ConfigureAwait(false);
        }

        if (_faulted)
        {
            throw new UploadWriteException(Path, null);
        }
    }

    /// <summary>Hands the gathered bytes to be written at their place and hashed in order.</summary>
    private void WriteChunk()
    {
        if (_filled == 0)
        {
            return;
        }

        var chunk = _chunk;
        var length = _filled;
        var offset = _written;
        _written += length;
        _filled = 0;
        _chunk = AlignedChunks.Rent();
        Task written;
        if (_direct is { } direct && length % AlignedChunks.Alignment == 0)
        {
            // In order, as the hashes: each write starts when the one before it is on disk, so the file only ever grows by
            // whole prefixes and a crash leaves no hole a resume would take for data. A write that failed fails the rest.
            var before = _lastWrite;
            written = _lastWrite = Task.Run(async () =>
            {
                await before.ConfigureAwait(false);
                WriteDirect(direct, chunk.Memory(length), offset);
            });
        }
        else
        {
            RandomAccess.Write(_file.SafeFileHandle, chunk.Memory(length).Span, offset);
            written = Task.CompletedTask;
            if (_written - _writebackFrom >= WritebackBytes)
            {
                StartWriteback();
            }
        }

        var previous = _hashed;
        // In order: each chunk's hash starts when the one before it is done, on a pool thread.
        _hashed = Task.Run(async () =>
        {
            await previous.ConfigureAwait(false);
            _hash.AppendData(chunk.Memory(length).Span);
        });
        _pending.Enqueue(Task.WhenAll(written, _hashed).ContinueWith(static (done, chunk) =>
        {
            AlignedChunks.Return((AlignedChunk)chunk!);
            done.GetAwaiter().GetResult();
        }, chunk, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
    }

    /// <summary>A whole chunk with direct I/O; through the cache when that fails (a file system that refuses it after all).</summary>
    private void WriteDirect(SafeFileHandle direct, ReadOnlyMemory<byte> bytes, long offset)
    {
        try
        {
            RandomAccess.Write(direct, bytes.Span, offset);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RandomAccess.Write(_file.SafeFileHandle, bytes.Span, offset);
        }
    }

    /// <summary>A second descriptor of the file, for direct I/O; null where the file system or the OS has none (tmpfs before Linux 6.6).</summary>
    private static SafeFileHandle? OpenDirect(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        if (Interop.Libc.O_DIRECT is not { } direct)
        {
            return null;
        }

        var fd = Interop.Libc.open(path, Interop.Libc.O_WRONLY | Interop.Libc.O_CLOEXEC | direct);
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    private void StartWriteback()
    {
        if (!_writebackUnsupported && OperatingSystem.IsLinux()
            && Interop.Libc.sync_file_range((int)_file.SafeFileHandle.DangerousGetHandle(), _writebackFrom, _written - _writebackFrom, Interop.Libc.SYNC_FILE_RANGE_WRITE) != 0)
        {
            // Only a hint (a file system without it): the seal's fsync is what counts.
            _writebackUnsupported = true;
        }

        _writebackFrom = _written;
    }

    /// <summary>
    /// Closes the partial. Writes still under way are waited for first (a few chunks at most): the upload's path is free
    /// for a new upload as soon as this returns, and a late write must not land in it. A partial with a chunk that failed is
    /// removed, as it has a hole; one without is a whole prefix of what was sent, and stays for a resume.
    /// </summary>
    /// <remarks>
    /// Awaited, never waited for: this may run as the continuation of a chunk's own write, inline on the thread that
    /// completed it, and blocking there on the chunks after it deadlocked (their continuations queue behind it).
    /// </remarks>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(_pending).ConfigureAwait(false);
        }
        catch (Exception)
        {
            _faulted = true;
        }

        _pending.Clear();
        if (_faulted)
        {
            Discard();
        }

        _file.Dispose();
        _direct?.Dispose();
        _direct = null;
        AlignedChunks.Return(_chunk);
        // Every chunk's hash was among the pending (done now): nothing reads the hash any more.
        _hash.Dispose();
    }
}

/// <summary>A part of an upload could not be written to disk (a full disk, an I/O error): the partial is gone, the upload starts again.</summary>
internal sealed class UploadWriteException(string path, Exception? cause)
    : IOException($"a part of {Path.GetFileName(path)} could not be written{(cause is null ? "" : ": " + cause.Message)}", cause);
