namespace EdgeJobs.Archives.Writing;

/// <summary>
/// What the central directory needs of an entry already written: the one thing <see cref="ZipStreamWriter"/>
/// keeps per entry, so its memory grows with the entry count and the names, never with the data.
/// </summary>
internal readonly record struct ZipCentralRecord(
    byte[] Name, ushort Method, uint DosTime, uint Crc, long CompressedSize, long Size, long Offset, bool Zip64Local);
