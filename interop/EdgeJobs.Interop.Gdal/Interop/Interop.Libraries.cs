namespace EdgeJobs.Interop.Gdal;

internal static partial class Interop
{
    internal static class Libraries
    {
        /// <summary>Resolved at first use by <see cref="GdalLibrary"/> (libgdal.so, libgdal.so.32, ...).</summary>
        internal const string Gdal = "gdal";
    }
}
