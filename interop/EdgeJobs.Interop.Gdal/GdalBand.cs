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

    /// <summary>The pixel type; values outside <see cref="GdalDataType"/> (complex, 64-bit integers) come through as their GDAL numbers.</summary>
    public GdalDataType Type => (GdalDataType)Interop.Gdal.GDALGetRasterDataType(Band);

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

    /// <summary>The widths of the band's overviews, in GDAL's order (finest first, as <c>-ovr</c> numbers them from 0).</summary>
    public IReadOnlyList<int> OverviewWidths
    {
        get
        {
            var count = Interop.Gdal.GDALGetOverviewCount(Band);
            var widths = new int[Math.Max(0, count)];
            for (var i = 0; i < widths.Length; i++)
            {
                var overview = Interop.Gdal.GDALGetOverview(Band, i);
                widths[i] = overview == IntPtr.Zero ? 0 : Interop.Gdal.GDALGetRasterBandXSize(overview);
            }

            return widths;
        }
    }

    /// <summary>The natural block size: reading whole blocks is what GDAL does cheapest.</summary>
    public unsafe (int Width, int Height) BlockSize
    {
        get
        {
            int x, y;
            Interop.Gdal.GDALGetBlockSize(Band, &x, &y);
            return (x, y);
        }
    }

    /// <summary>
    /// Reads a window into <paramref name="destination"/> (row-major, <paramref name="width"/> ×
    /// <paramref name="height"/>), converting to <typeparamref name="T"/>. The window and the buffer length
    /// are checked here, before GDAL could write past the end of the buffer.
    /// </summary>
    public unsafe void Read<T>(int x, int y, int width, int height, Span<T> destination) where T : unmanaged
    {
        CheckWindow(x, y, width, height, destination.Length);
        fixed (T* buffer = destination)
        {
            if (Interop.Gdal.GDALRasterIO(Band, Interop.Gdal.GF_Read, x, y, width, height, buffer, width, height, (int)GdalDataTypes.Of<T>(), 0, 0) != 0)
            {
                GdalException.ThrowLast($"reading band {Index} at ({x},{y}) {width}x{height}");
            }
        }
    }

    /// <summary>
    /// Reads the whole band shrunk to <paramref name="width"/> × <paramref name="height"/> (nearest neighbour): GDAL reads
    /// the overview closest to that size, so a preview of a large raster costs what the overview does.
    /// </summary>
    public unsafe void ReadWhole<T>(int width, int height, Span<T> destination) where T : unmanaged
    {
        var (rasterWidth, rasterHeight) = RasterSize;
        if (width <= 0 || height <= 0 || destination.Length < (long)width * height)
        {
            throw new ArgumentException($"the buffer holds {destination.Length} values; {width}x{height} needs {(long)width * height}");
        }

        fixed (T* buffer = destination)
        {
            if (Interop.Gdal.GDALRasterIO(Band, Interop.Gdal.GF_Read, 0, 0, rasterWidth, rasterHeight, buffer, width, height, (int)GdalDataTypes.Of<T>(), 0, 0) != 0)
            {
                GdalException.ThrowLast($"reading band {Index} shrunk to {width}x{height}");
            }
        }
    }

    /// <summary>Writes a window from <paramref name="source"/> (row-major), checked like <see cref="Read{T}"/>.</summary>
    public unsafe void Write<T>(int x, int y, int width, int height, ReadOnlySpan<T> source) where T : unmanaged
    {
        CheckWindow(x, y, width, height, source.Length);
        fixed (T* buffer = source)
        {
            if (Interop.Gdal.GDALRasterIO(Band, Interop.Gdal.GF_Write, x, y, width, height, buffer, width, height, (int)GdalDataTypes.Of<T>(), 0, 0) != 0)
            {
                GdalException.ThrowLast($"writing band {Index} at ({x},{y}) {width}x{height}");
            }
        }
    }

    public void SetNoData(double value)
    {
        if (Interop.Gdal.GDALSetRasterNoDataValue(Band, value) != 0)
        {
            GdalException.ThrowLast($"setting nodata of band {Index}");
        }
    }

    /// <summary>Removes the band's nodata value; false when the driver refused (GDAL's error is reset).</summary>
    public bool TryDeleteNoData()
    {
        if (Interop.Gdal.GDALDeleteRasterNoDataValue(Band) != 0)
        {
            Interop.Cpl.CPLErrorReset();
            return false;
        }

        return true;
    }

    private void CheckWindow(int x, int y, int width, int height, int bufferLength)
    {
        var (rasterWidth, rasterHeight) = RasterSize;
        if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > rasterWidth || y + height > rasterHeight)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"window ({x},{y}) {width}x{height} is outside the {rasterWidth}x{rasterHeight} raster");
        }

        if (bufferLength < (long)width * height)
        {
            throw new ArgumentException($"the buffer holds {bufferLength} values; the window needs {(long)width * height}");
        }
    }

    /// <summary>The raster's size; the band's reference keeps its dataset open.</summary>
    private (int Width, int Height) RasterSize => (Interop.Gdal.GDALGetRasterXSize(_dataset), Interop.Gdal.GDALGetRasterYSize(_dataset));

    /// <summary>
    /// Computes exact statistics, reporting progress (0..1) and stopping within a block when
    /// <paramref name="cancellation"/> fires (then <see cref="OperationCanceledException"/>).
    /// </summary>
    public unsafe (double Min, double Max, double Mean, double StdDev) ComputeStatistics(Action<double>? progress, CancellationToken cancellation)
    {
        var bridge = new GdalProgress(progress, cancellation);
        double min, max, mean, stdDev;
        int result;
        using (var pinned = bridge.Pin())
        {
            result = Interop.Gdal.GDALComputeRasterStatistics(Band, 0, &min, &max, &mean, &stdDev, &GdalProgress.Callback, pinned.Data);
        }

        if (bridge.Cancelled)
        {
            Interop.Cpl.CPLErrorReset();
            throw new OperationCanceledException(cancellation);
        }

        if (result != 0)
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
