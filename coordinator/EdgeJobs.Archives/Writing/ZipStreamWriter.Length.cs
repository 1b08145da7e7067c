using System.Text;

namespace EdgeJobs.Archives.Writing;

public sealed partial class ZipStreamWriter
{
    /// <summary>
    /// The exact length of the archive <see cref="WriteAsync"/> would write for <paramref name="sources"/>, known
    /// before any data is read: a Content-Length for a streamed download, or the estimate a quota is checked
    /// against. Null when an entry is deflated (its compressed size is known only once written).
    /// </summary>
    public static long? PredictLength(IEnumerable<ZipSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        long offset = 0;
        long directorySize = 0;
        long count = 0;
        foreach (var source in sources)
        {
            if (source.Deflate)
            {
                return null;
            }

            // The same decisions AddAsync and WriteCentralHeader make, in the same order.
            var nameLength = Encoding.UTF8.GetByteCount(source.Name);
            var zip64 = NeedsZip64(source.Size, deflate: false);
            var entryOffset = offset;
            offset += ZipRecords.LocalHeaderLength + nameLength + (zip64 ? 20 : 0) + source.Size + (zip64 ? 24 : 16);
            var extra = (zip64 ? 16 : 0) + (entryOffset >= ZipRecords.Max32 ? 8 : 0);
            directorySize += ZipRecords.CentralHeaderLength + nameLength + (extra == 0 ? 0 : 4 + extra);
            count++;
        }

        var zip64End = count >= ZipRecords.Max16 || offset >= ZipRecords.Max32 || directorySize >= ZipRecords.Max32;
        return offset + directorySize + (zip64End ? ZipRecords.Zip64EndLength + ZipRecords.Zip64LocatorLength : 0) + ZipRecords.EndLength;
    }
}
