using System.Diagnostics;
using System.Globalization;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary>A progress bar on stderr for an upload or a download, redrawn at most ten times a second; nothing when stderr is not a terminal.</summary>
internal sealed class TransferProgress(string what, long? total)
{
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _drawnAt = -1000;

    public void Report(long done)
    {
        if (!_interactive || _clock.ElapsedMilliseconds - _drawnAt < 100)
        {
            return;
        }

        _drawnAt = _clock.ElapsedMilliseconds;
        Console.Error.Write("\r\u001b[2K" + Describe(done));
    }

    /// <summary>The final line: the size and the mean rate.</summary>
    public void Done(long bytes)
    {
        if (_interactive)
        {
            Console.Error.Write("\r\u001b[2K");
        }

        var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: {Size(bytes)} in {seconds:0.0} s ({bytes / seconds / 1e6:0.0} MB/s)"));
    }

    private string Describe(long done)
    {
        var rate = done / Math.Max(_clock.Elapsed.TotalSeconds, 0.001) / 1e6;
        if (total is not > 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{what}: {Size(done)} ({rate:0.0} MB/s)");
        }

        var fraction = Math.Clamp((double)done / total.Value, 0, 1);
        var filled = (int)(fraction * 30);
        return string.Create(CultureInfo.InvariantCulture,
            $"{what} [{new string('#', filled)}{new string(' ', 30 - filled)}] {fraction * 100:0}% {Size(done)} of {Size(total.Value)} ({rate:0.0} MB/s)");
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.00} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}

/// <summary>
/// At most <c>partLength</c> bytes of a stream from where it stands (one part of an upload), reporting how
/// many it has given so far.
/// </summary>
internal sealed class UploadPart(Stream inner, long partLength, Action<long> progress) : Stream
{
    private long _taken;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => partLength;

    public override long Position { get => _taken; set => throw new NotSupportedException(); }

    private int Left => (int)Math.Min(int.MaxValue, partLength - _taken);

    public override int Read(byte[] buffer, int offset, int count) => Take(inner.Read(buffer, offset, Math.Min(count, Left)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Take(await inner.ReadAsync(buffer[..Math.Min(buffer.Length, Left)], cancellationToken).ConfigureAwait(false));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Take(int read)
    {
        _taken += read;
        progress(_taken);
        return read;
    }
}
