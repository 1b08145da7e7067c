namespace EdgeJobs.Archives.Writing;

/// <summary>
/// One file for <see cref="ZipStreamWriter"/>: its name in the archive (a dataset path), its size as the
/// dataset index knows it, how to open its bytes, and its modification time.
/// </summary>
/// <param name="Size">Must be what <paramref name="Open"/>'s stream yields: it decides ZIP64 before the bytes are read.</param>
public sealed record ZipSource(string Name, long Size, Func<CancellationToken, ValueTask<Stream>> Open, DateTimeOffset LastModified)
{
    /// <summary>Deflate this entry. Off by default: rasters and point clouds are already compressed.</summary>
    public bool Deflate { get; init; }

    /// <summary>A file on disk, opened when its turn comes.</summary>
    public static ZipSource FromFile(string name, string path)
    {
        var info = new FileInfo(path);
        return new ZipSource(name, info.Length, _ => ValueTask.FromResult<Stream>(
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan)),
            info.LastWriteTimeUtc);
    }
}
