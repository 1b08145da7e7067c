using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

/// <summary>A GDAL call failed; carries GDAL's own error number and message, captured right after the call.</summary>
public sealed class GdalException(int errorNumber, string message) : Exception(message)
{
    /// <summary>GDAL's CPLErrorNum (e.g. 4 = CPLE_OpenFailed).</summary>
    public int ErrorNumber { get; } = errorNumber;

    /// <summary>Reads and resets the calling thread's last GDAL error, then throws it (with <paramref name="what"/> for context).</summary>
    [DoesNotReturn]
    internal static void ThrowLast(string what)
    {
        var number = Interop.Cpl.CPLGetLastErrorNo();
        var message = Marshal.PtrToStringUTF8(Interop.Cpl.CPLGetLastErrorMsg());
        Interop.Cpl.CPLErrorReset();
        throw new GdalException(number, string.IsNullOrEmpty(message) ? $"{what} failed" : $"{what}: {message}");
    }
}
