using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

/// <summary>An open GDAL dataset: a raster, or a vector one (<see cref="OpenVector"/>). Not thread-safe: one dataset per thread, as GDAL requires.</summary>
public sealed class GdalDataset : IDisposable
{
    private readonly SafeGdalDatasetHandle _handle;

    private GdalDataset(SafeGdalDatasetHandle handle, string path)
    {
        _handle = handle;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Opens a raster read-only.</summary>
    /// <exception cref="GdalException">Not found, not a raster, or unreadable — with GDAL's message.</exception>
    public static GdalDataset OpenRead(string path)
    {
        GdalLibrary.EnsureLoaded();
        var handle = Interop.Gdal.GDALOpenEx(path, Interop.Gdal.GDAL_OF_RASTER | Interop.Gdal.GDAL_OF_READONLY | Interop.Gdal.GDAL_OF_VERBOSE_ERROR, 0, 0, 0);
        if (handle.IsInvalid)
        {
            handle.Dispose();
            GdalException.ThrowLast($"cannot open {path} as a raster");
        }

        return new GdalDataset(handle, path);
    }

    /// <summary>Opens a vector dataset (GeoJSON, GeoPackage, Shapefile…) read-only, for <see cref="GdalUtilities.VectorTranslate"/>.</summary>
    /// <exception cref="GdalException">Not found, not a vector dataset, or unreadable — with GDAL's message.</exception>
    public static GdalDataset OpenVector(string path)
    {
        GdalLibrary.EnsureLoaded();
        var handle = Interop.Gdal.GDALOpenEx(path, Interop.Gdal.GDAL_OF_VECTOR | Interop.Gdal.GDAL_OF_READONLY | Interop.Gdal.GDAL_OF_VERBOSE_ERROR, 0, 0, 0);
        if (handle.IsInvalid)
        {
            handle.Dispose();
            GdalException.ThrowLast($"cannot open {path} as a vector dataset");
        }

        return new GdalDataset(handle, path);
    }

    /// <summary>Creates a raster with a driver ("GTiff", "MEM"...) and creation options ("COMPRESS=ZSTD").</summary>
    /// <exception cref="GdalException">Unknown driver, bad options, or the file cannot be written.</exception>
    public static GdalDataset Create(string driver, string path, int width, int height, int bands, GdalDataType type, IReadOnlyCollection<string>? options = null)
    {
        GdalLibrary.EnsureLoaded();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bands);
        var handle = Interop.Gdal.GDALGetDriverByName(driver);
        if (handle == IntPtr.Zero)
        {
            throw new GdalException(0, $"GDAL has no driver '{driver}'");
        }

        using var list = new CslStringList(options ?? []);
        var dataset = Interop.Gdal.GDALCreate(handle, path, width, height, bands, (int)type, list.Pointer);
        if (dataset.IsInvalid)
        {
            dataset.Dispose();
            GdalException.ThrowLast($"cannot create {path}");
        }

        return new GdalDataset(dataset, path);
    }

    /// <summary>
    /// Copies <paramref name="source"/> into a new file with a driver ("COG", "GTiff"...) and creation
    /// options, reporting progress (0..1) and stopping within a block when <paramref name="cancellation"/>
    /// fires (then <see cref="OperationCanceledException"/>; the caller removes the partial file).
    /// </summary>
    /// <exception cref="GdalException">Unknown driver, bad options, or the copy failed.</exception>
    public static unsafe GdalDataset CreateCopy(string driver, string path, GdalDataset source, IReadOnlyCollection<string> options, Action<double>? progress, CancellationToken cancellation)
    {
        GdalLibrary.EnsureLoaded();
        var driverHandle = Interop.Gdal.GDALGetDriverByName(driver);
        if (driverHandle == IntPtr.Zero)
        {
            throw new GdalException(0, $"GDAL has no driver '{driver}'");
        }

        using var list = new CslStringList(options);
        var bridge = new GdalProgress(progress, cancellation);
        SafeGdalDatasetHandle copy;
        using (var pinned = bridge.Pin())
        {
            copy = Interop.Gdal.GDALCreateCopy(driverHandle, path, source.Handle, 0, list.Pointer, &GdalProgress.Callback, pinned.Data);
        }

        if (bridge.Cancelled)
        {
            copy.Dispose();
            Interop.Cpl.CPLErrorReset();
            throw new OperationCanceledException(cancellation);
        }

        if (copy.IsInvalid)
        {
            copy.Dispose();
            GdalException.ThrowLast($"writing {path}");
        }

        return new GdalDataset(copy, path);
    }

    public unsafe void SetGeoTransform(ReadOnlySpan<double> transform)
    {
        if (transform.Length != 6)
        {
            throw new ArgumentException("a geotransform has 6 coefficients", nameof(transform));
        }

        fixed (double* t = transform)
        {
            if (Interop.Gdal.GDALSetGeoTransform(Handle, t) != 0)
            {
                GdalException.ThrowLast($"setting the geotransform of {Path}");
            }
        }
    }

    public void SetProjection(string wkt)
    {
        if (Interop.Gdal.GDALSetProjection(Handle, wkt) != 0)
        {
            GdalException.ThrowLast($"setting the CRS of {Path}");
        }
    }

    public int Width => Interop.Gdal.GDALGetRasterXSize(Handle);

    public int Height => Interop.Gdal.GDALGetRasterYSize(Handle);

    public int BandCount => Interop.Gdal.GDALGetRasterCount(Handle);

    public string Driver => Marshal.PtrToStringUTF8(Interop.Gdal.GDALGetDriverShortName(Interop.Gdal.GDALGetDatasetDriver(Handle))) ?? "";

    /// <summary>The CRS as WKT, or empty when the raster has none.</summary>
    public string ProjectionWkt => Marshal.PtrToStringUTF8(Interop.Gdal.GDALGetProjectionRef(Handle)) ?? "";

    /// <summary>The affine geotransform, or null when the raster has none.</summary>
    public unsafe double[]? GeoTransform
    {
        get
        {
            var transform = new double[6];
            fixed (double* t = transform)
            {
                if (Interop.Gdal.GDALGetGeoTransform(Handle, t) != 0)
                {
                    Interop.Cpl.CPLErrorReset();
                    return null;
                }
            }

            return transform;
        }
    }

    /// <summary>The dataset's metadata items (default domain) as key → value.</summary>
    public unsafe IReadOnlyDictionary<string, string> Metadata
    {
        get
        {
            var items = new Dictionary<string, string>(StringComparer.Ordinal);
            var list = (IntPtr*)Interop.Gdal.GDALGetMetadata(Handle, null);
            for (var i = 0; list != null && list[i] != IntPtr.Zero; i++)
            {
                var item = Marshal.PtrToStringUTF8(list[i]) ?? "";
                var eq = item.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    items[item[..eq]] = item[(eq + 1)..];
                }
            }

            return items;
        }
    }

    /// <summary>Sets one metadata item (default domain); copies of the dataset carry it along.</summary>
    public void SetMetadataItem(string name, string value)
    {
        if (Interop.Gdal.GDALSetMetadataItem(Handle, name, value, null) != 0)
        {
            GdalException.ThrowLast($"setting metadata {name} of {Path}");
        }
    }

    /// <summary>Band <paramref name="index"/> (1-based). The band keeps this dataset open until it is disposed too.</summary>
    public GdalBand GetBand(int index)
    {
        if (index < 1 || index > BandCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{Path} has bands 1..{BandCount}");
        }

        var band = Interop.Gdal.GDALGetRasterBand(Handle, index);
        if (band == IntPtr.Zero)
        {
            GdalException.ThrowLast($"band {index} of {Path}");
        }

        return new GdalBand(_handle, band, index);
    }

    /// <summary>Wraps a handle a GDAL call returned (this object owns it from now on).</summary>
    internal static GdalDataset Adopt(SafeGdalDatasetHandle handle, string path) => new(handle, path);

    // Disposed is tracked here: a band's reference keeps the handle itself open after Dispose.
    internal SafeGdalDatasetHandle Handle => _disposed ? throw new ObjectDisposedException(nameof(GdalDataset), $"{Path} is closed") : _handle;

    private bool _disposed;

    public void Dispose()
    {
        _disposed = true;
        _handle.Dispose();
    }
}
