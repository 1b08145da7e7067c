using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

/// <summary>
/// A raster band. It holds a reference on its dataset's handle, so disposing the dataset first is safe:
/// the dataset closes when the last band lets go (a band is never used after GDALClose).
/// </summary>
public sealed class GdalBand : IDisposable
{
    private readonly SafeGdalDatasetHandle _dataset;
    private readonly IntPtr _band;
    private bool _released;

    internal GdalBand(SafeGdalDatasetHandle dataset, IntPtr band, int index)
    {
        var added = false;
        dataset.DangerousAddRef(ref added);
        _dataset = dataset;
        _band = band;
        Index = index;
    }

    public int Index { get; }

    /// <summary>GDAL's data type name: Byte, UInt16, Int16, Float32, ...</summary>
    public string DataType => Marshal.PtrToStringUTF8(Interop.Gdal.GDALGetDataTypeName(Interop.Gdal.GDALGetRasterDataType(Band))) ?? "Unknown";

    public unsafe double? NoData
    {
        get
        {
            int has;
            var value = Interop.Gdal.GDALGetRasterNoDataValue(Band, &has);
            return has != 0 ? value : null;
        }
    }

    /// <summary>Exact statistics (computed if GDAL has none stored), honouring nodata.</summary>
    public unsafe (double Min, double Max, double Mean, double StdDev) Statistics()
    {
        double min, max, mean, stdDev;
        if (Interop.Gdal.GDALGetRasterStatistics(Band, 0, 1, &min, &max, &mean, &stdDev) != 0)
        {
            GdalException.ThrowLast($"statistics of band {Index}");
        }

        return (min, max, mean, stdDev);
    }

    private IntPtr Band => _released ? throw new ObjectDisposedException(nameof(GdalBand)) : _band;

    public void Dispose()
    {
        if (!_released)
        {
            _released = true;
            _dataset.DangerousRelease();
        }
    }
}
