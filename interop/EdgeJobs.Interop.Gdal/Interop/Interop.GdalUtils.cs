using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

// GDAL's command-line utilities as a library (gdal_utils.h, https://gdal.org/api/gdal_utils.html): each
// takes an options object parsed from the same argv its CLI takes, so a tool and its oracle run the same code.
internal static partial class Interop
{
    internal static partial class Gdal
    {
        [LibraryImport(Libraries.Gdal)]
        internal static partial IntPtr GDALTranslateOptionsNew(IntPtr argv, IntPtr forBinary);

        [LibraryImport(Libraries.Gdal)]
        internal static partial void GDALTranslateOptionsFree(IntPtr options);

        [LibraryImport(Libraries.Gdal)]
        internal static unsafe partial void GDALTranslateOptionsSetProgress(IntPtr options, delegate* unmanaged<double, IntPtr, IntPtr, int> progress, IntPtr data);

        [LibraryImport(Libraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial SafeGdalDatasetHandle GDALTranslate(string destination, IntPtr source, IntPtr options, int* usageError);

        [LibraryImport(Libraries.Gdal)]
        internal static partial IntPtr GDALWarpAppOptionsNew(IntPtr argv, IntPtr forBinary);

        [LibraryImport(Libraries.Gdal)]
        internal static partial void GDALWarpAppOptionsFree(IntPtr options);

        [LibraryImport(Libraries.Gdal)]
        internal static unsafe partial void GDALWarpAppOptionsSetProgress(IntPtr options, delegate* unmanaged<double, IntPtr, IntPtr, int> progress, IntPtr data);

        [LibraryImport(Libraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial SafeGdalDatasetHandle GDALWarp(string destination, IntPtr destinationDataset, int sourceCount, IntPtr* sources, IntPtr options, int* usageError);

        [LibraryImport(Libraries.Gdal)]
        internal static partial IntPtr GDALBuildVRTOptionsNew(IntPtr argv, IntPtr forBinary);

        [LibraryImport(Libraries.Gdal)]
        internal static partial void GDALBuildVRTOptionsFree(IntPtr options);

        [LibraryImport(Libraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial SafeGdalDatasetHandle GDALBuildVRT(string destination, int sourceCount, IntPtr* sources, IntPtr sourceNames, IntPtr options, int* usageError);

        [LibraryImport(Libraries.Gdal)]
        internal static partial IntPtr GDALDEMProcessingOptionsNew(IntPtr argv, IntPtr forBinary);

        [LibraryImport(Libraries.Gdal)]
        internal static partial void GDALDEMProcessingOptionsFree(IntPtr options);

        [LibraryImport(Libraries.Gdal)]
        internal static unsafe partial void GDALDEMProcessingOptionsSetProgress(IntPtr options, delegate* unmanaged<double, IntPtr, IntPtr, int> progress, IntPtr data);

        [LibraryImport(Libraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial SafeGdalDatasetHandle GDALDEMProcessing(string destination, IntPtr source, string processing, string? colorFile, IntPtr options, int* usageError);

        [LibraryImport(Libraries.Gdal)]
        internal static partial IntPtr GDALVectorTranslateOptionsNew(IntPtr argv, IntPtr forBinary);

        [LibraryImport(Libraries.Gdal)]
        internal static partial void GDALVectorTranslateOptionsFree(IntPtr options);

        [LibraryImport(Libraries.Gdal)]
        internal static unsafe partial void GDALVectorTranslateOptionsSetProgress(IntPtr options, delegate* unmanaged<double, IntPtr, IntPtr, int> progress, IntPtr data);

        [LibraryImport(Libraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial SafeGdalDatasetHandle GDALVectorTranslate(string destination, IntPtr destinationDataset, int sourceCount, IntPtr* sources, IntPtr options, int* usageError);
    }
}
