using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace EdgeJobs.Coordinator.Artifacts;

/// <summary>
/// The SHA-256 of a file being written, computed on a thread of its own that follows the writer: it reads
/// back (from the page cache) what the writer has published and hashes it, so the link's receive loop only
/// writes and checksums (XXH3) while the cryptographic hash, the costliest step per byte (~0.15-0.2 s per
/// 268 MB here), runs beside it. It hashes what is in the file, the copy that is kept.
/// </summary>
internal sealed class FollowingSha256 : IDisposable
{
    private const int ReadBytes = 1 << 20;

    private readonly SafeFileHandle _file;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly SemaphoreSlim _more = new(0);
    private readonly Thread _thread;
    private long _published;
    private long _hashed;
    private volatile bool _finishing;
    private volatile bool _stopped;
    private Exception? _failure;

    /// <param name="path">The file the writer has created (opened here for reading, shared).</param>
    public FollowingSha256(string path)
    {
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        _thread = new Thread(Run) { IsBackground = true, Name = "artifact-sha256" };
        _thread.Start();
    }

    /// <summary>The writer says: bytes [0, <paramref name="length"/>) are in the file (written to the OS, not necessarily synced).</summary>
    public void Publish(long length)
    {
        Volatile.Write(ref _published, length);
        _more.Release();
    }

    /// <summary>Waits until all of <paramref name="length"/> bytes are hashed; the SHA-256 (hex).</summary>
    /// <exception cref="IOException">The file could not be read back, or is shorter than published.</exception>
    public string Finish(long length)
    {
        _finishing = true;
        Publish(length);
        _thread.Join();
        if (_failure is not null)
        {
            ExceptionDispatchInfo.Throw(_failure);
        }

        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    private void Run()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBytes);
        try
        {
            while (true)
            {
                _more.Wait();
                if (_stopped)
                {
                    return;
                }

                var target = Volatile.Read(ref _published);
                while (_hashed < target)
                {
                    var read = RandomAccess.Read(_file, buffer.AsSpan(0, (int)Math.Min(ReadBytes, target - _hashed)), _hashed);
                    if (read == 0)
                    {
                        throw new IOException($"the upload has {_hashed} bytes on disk, {target} were written");
                    }

                    _hash.AppendData(buffer, 0, read);
                    _hashed += read;
                }

                if (_finishing && _hashed >= Volatile.Read(ref _published))
                {
                    return;
                }
            }
        }
        catch (Exception e)
        {
            _failure = e;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        _more.Release();
        _thread.Join();
        _file.Dispose();
        _hash.Dispose();
        _more.Dispose();
    }
}
