namespace EdgeJobs.Archives.Tests.Support;

/// <summary>
/// What an HTTP response body looks like to a writer: write-only, no position, no seeking. With
/// <c>sparse</c>, runs of zeros become holes in the file underneath (a seek, not a write), so a 4 GB entry of
/// zeros costs no disk and an independent reader still sees every byte.
/// </summary>
public sealed class ForwardOnlyStream(FileStream file, bool sparse = false) : Stream
{
    private bool _disposed;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (sparse && buffer.Length >= 4096 && !buffer.ContainsAnyExcept((byte)0))
        {
            file.Seek(buffer.Length, SeekOrigin.Current);
            return;
        }

        file.Write(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush() => file.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            // A trailing hole is only a hole once the length covers it.
            file.SetLength(file.Position);
            file.Dispose();
        }

        base.Dispose(disposing);
    }
}
