using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

internal static partial class Interop
{
    internal static partial class Gdal
    {
        internal const int GF_Read = 0;
        internal const int GF_Write = 1;

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv412GDALRasterIO15GDALRasterBandH10GDALRWFlagiiiiPvii12GDALDataTypeii</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static unsafe partial int GDALRasterIO(IntPtr band, int rwFlag, int xOff, int yOff, int xSize, int ySize,
            void* buffer, int bufXSize, int bufYSize, int bufType, int pixelSpace, int lineSpace);

        /// <summary>https://gdal.org/api/raster_c_api.html#_CPPv416GDALGetBlockSize15GDALRasterBandHPiPi</summary>
        [LibraryImport(Libraries.Gdal)]
        internal static unsafe partial void GDALGetBlockSize(IntPtr band, int* xSize, int* ySize);
    }
}
