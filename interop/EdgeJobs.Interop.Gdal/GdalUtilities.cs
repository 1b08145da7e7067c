namespace EdgeJobs.Interop.Gdal;

/// <summary>
/// GDAL's utilities (gdal_translate, gdalwarp, gdalbuildvrt, gdaldem, ogr2ogr) called as a library with the
/// arguments their command lines take, reporting progress and stopping when the token fires. Each
/// returns the dataset it wrote, open; disposing it finishes the file.
/// </summary>
public static class GdalUtilities
{
    /// <summary><c>gdal_translate ARGS source destination</c>.</summary>
    public static unsafe GdalDataset Translate(string destination, GdalDataset source, IReadOnlyCollection<string> args, Action<double>? progress, CancellationToken cancellation)
    {
        GdalLibrary.EnsureLoaded();
        var options = NewOptions(Interop.Gdal.GDALTranslateOptionsNew, args, "gdal_translate");
        try
        {
            return Run(destination, progress, cancellation, "gdal_translate", (bridge, data) =>
            {
                Interop.Gdal.GDALTranslateOptionsSetProgress(options, &GdalProgress.Callback, data);
                return Borrow([source], handles =>
                {
                    int usage;
                    return Interop.Gdal.GDALTranslate(destination, handles[0], options, &usage);
                });
            });
        }
        finally
        {
            Interop.Gdal.GDALTranslateOptionsFree(options);
        }
    }

    /// <summary><c>gdalwarp ARGS sources... destination</c> (a new file).</summary>
    public static unsafe GdalDataset Warp(string destination, IReadOnlyList<GdalDataset> sources, IReadOnlyCollection<string> args, Action<double>? progress, CancellationToken cancellation)
    {
        GdalLibrary.EnsureLoaded();
        var options = NewOptions(Interop.Gdal.GDALWarpAppOptionsNew, args, "gdalwarp");
        try
        {
            return Run(destination, progress, cancellation, "gdalwarp", (bridge, data) =>
            {
                Interop.Gdal.GDALWarpAppOptionsSetProgress(options, &GdalProgress.Callback, data);
                return Borrow(sources, handles =>
                {
                    int usage;
                    fixed (IntPtr* array = handles)
                    {
                        return Interop.Gdal.GDALWarp(destination, IntPtr.Zero, handles.Length, array, options, &usage);
                    }
                });
            });
        }
        finally
        {
            Interop.Gdal.GDALWarpAppOptionsFree(options);
        }
    }

    /// <summary><c>gdalbuildvrt ARGS destination sources...</c>: a virtual raster over the sources (cheap: no pixels copied).</summary>
    public static unsafe GdalDataset BuildVrt(string destination, IReadOnlyList<GdalDataset> sources, IReadOnlyCollection<string> args)
    {
        GdalLibrary.EnsureLoaded();
        var options = NewOptions(Interop.Gdal.GDALBuildVRTOptionsNew, args, "gdalbuildvrt");
        try
        {
            return Run(destination, null, CancellationToken.None, "gdalbuildvrt", (bridge, data) =>
                Borrow(sources, handles =>
                {
                    int usage;
                    fixed (IntPtr* array = handles)
                    {
                        return Interop.Gdal.GDALBuildVRT(destination, handles.Length, array, IntPtr.Zero, options, &usage);
                    }
                }));
        }
        finally
        {
            Interop.Gdal.GDALBuildVRTOptionsFree(options);
        }
    }

    /// <summary><c>gdaldem PROCESSING source destination ARGS</c> (hillshade, slope, aspect...).</summary>
    public static unsafe GdalDataset DemProcessing(string destination, GdalDataset source, string processing, IReadOnlyCollection<string> args, Action<double>? progress, CancellationToken cancellation)
    {
        GdalLibrary.EnsureLoaded();
        var options = NewOptions(Interop.Gdal.GDALDEMProcessingOptionsNew, args, "gdaldem");
        try
        {
            return Run(destination, progress, cancellation, "gdaldem " + processing, (bridge, data) =>
            {
                Interop.Gdal.GDALDEMProcessingOptionsSetProgress(options, &GdalProgress.Callback, data);
                return Borrow([source], handles =>
                {
                    int usage;
                    return Interop.Gdal.GDALDEMProcessing(destination, handles[0], processing, null, options, &usage);
                });
            });
        }
        finally
        {
            Interop.Gdal.GDALDEMProcessingOptionsFree(options);
        }
    }

    /// <summary><c>ogr2ogr ARGS destination source</c> (a new dataset): vector formats, and vector tiles (MVT, MBTiles).</summary>
    public static unsafe GdalDataset VectorTranslate(string destination, GdalDataset source, IReadOnlyCollection<string> args, Action<double>? progress, CancellationToken cancellation)
    {
        GdalLibrary.EnsureLoaded();
        var options = NewOptions(Interop.Gdal.GDALVectorTranslateOptionsNew, args, "ogr2ogr");
        try
        {
            return Run(destination, progress, cancellation, "ogr2ogr", (bridge, data) =>
            {
                Interop.Gdal.GDALVectorTranslateOptionsSetProgress(options, &GdalProgress.Callback, data);
                return Borrow([source], handles =>
                {
                    int usage;
                    fixed (IntPtr* array = handles)
                    {
                        return Interop.Gdal.GDALVectorTranslate(destination, IntPtr.Zero, 1, array, options, &usage);
                    }
                });
            });
        }
        finally
        {
            Interop.Gdal.GDALVectorTranslateOptionsFree(options);
        }
    }

    private static IntPtr NewOptions(Func<IntPtr, IntPtr, IntPtr> create, IReadOnlyCollection<string> args, string utility)
    {
        using var argv = new CslStringList(args);
        var options = create(argv.Pointer, IntPtr.Zero);
        if (options == IntPtr.Zero)
        {
            GdalException.ThrowLast($"{utility} {string.Join(' ', args)}");
        }

        return options;
    }

    private static GdalDataset Run(string destination, Action<double>? progress, CancellationToken cancellation, string utility, Func<GdalProgress, IntPtr, SafeGdalDatasetHandle> call)
    {
        var bridge = new GdalProgress(progress, cancellation);
        SafeGdalDatasetHandle result;
        using (var pinned = bridge.Pin())
        {
            result = call(bridge, pinned.Data);
        }

        if (bridge.Cancelled)
        {
            result.Dispose();
            Interop.Cpl.CPLErrorReset();
            throw new OperationCanceledException(cancellation);
        }

        if (result.IsInvalid)
        {
            result.Dispose();
            GdalException.ThrowLast($"{utility} to {destination}");
        }

        return GdalDataset.Adopt(result, destination);
    }

    /// <summary>Raw handles of open datasets, each kept open (referenced) for the duration of the call.</summary>
    private static T Borrow<T>(IReadOnlyList<GdalDataset> datasets, Func<IntPtr[], T> call)
    {
        var handles = new IntPtr[datasets.Count];
        var added = new bool[datasets.Count];
        try
        {
            for (var i = 0; i < datasets.Count; i++)
            {
                datasets[i].Handle.DangerousAddRef(ref added[i]);
                handles[i] = datasets[i].Handle.DangerousGetHandle();
            }

            return call(handles);
        }
        finally
        {
            for (var i = 0; i < datasets.Count; i++)
            {
                if (added[i])
                {
                    datasets[i].Handle.DangerousRelease();
                }
            }
        }
    }
}
