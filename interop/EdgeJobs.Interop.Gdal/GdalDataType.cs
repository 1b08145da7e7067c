namespace EdgeJobs.Interop.Gdal;

/// <summary>GDAL's <c>GDALDataType</c> numbers (stable in the C API), for the buffer types we read and write.</summary>
public enum GdalDataType
{
    Byte = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Float64 = 7,
}

internal static class GdalDataTypes
{
    /// <summary>The GDAL buffer type for a .NET element type; the size check before crossing relies on it.</summary>
    public static GdalDataType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(byte) ? GdalDataType.Byte
        : typeof(T) == typeof(ushort) ? GdalDataType.UInt16
        : typeof(T) == typeof(short) ? GdalDataType.Int16
        : typeof(T) == typeof(uint) ? GdalDataType.UInt32
        : typeof(T) == typeof(int) ? GdalDataType.Int32
        : typeof(T) == typeof(float) ? GdalDataType.Float32
        : typeof(T) == typeof(double) ? GdalDataType.Float64
        : throw new NotSupportedException($"no GDAL buffer type for {typeof(T).Name}");
}
