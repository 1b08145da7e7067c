using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace EdgeJobs.Archives.Tests.Support;

/// <summary>Crafted archives, written with the BCL writers (which write whatever name or entry type they are given).</summary>
public static class TestArchives
{
    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A ZIP with one entry per (name, data); data null makes the name a bare entry (a folder when it ends in '/').</summary>
    public static string Zip(string path, params (string Name, byte[]? Data)[] entries) =>
        Zip(path, zip =>
        {
            foreach (var (name, data) in entries)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
                if (data is not null)
                {
                    using var stream = entry.Open();
                    stream.Write(data);
                }
            }
        });

    public static string Zip(string path, Action<ZipArchive> build)
    {
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            build(zip);
        }

        return path;
    }

    /// <summary>A tar, gzip-compressed when the path ends in ".gz" or ".tgz".</summary>
    public static string Tar(string path, Action<TarWriter> build)
    {
        using var file = File.Create(path);
        var compress = path.EndsWith(".gz", StringComparison.Ordinal) || path.EndsWith(".tgz", StringComparison.Ordinal);
        using var target = compress ? new GZipStream(file, CompressionLevel.Fastest) : (Stream)file;
        using (var writer = new TarWriter(target, TarEntryFormat.Pax, leaveOpen: true))
        {
            build(writer);
        }

        return path;
    }

    public static void AddFile(this TarWriter writer, string name, byte[] data) =>
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });

    public static void AddFolder(this TarWriter writer, string name) =>
        writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, name));

    public static string Gzip(string path, byte[] data)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        gzip.Write(data);
        return path;
    }

    public static string GzipBytes(string path, byte[] gzipped)
    {
        System.IO.File.WriteAllBytes(path, gzipped);
        return path;
    }
}
