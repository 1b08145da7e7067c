using System.Reflection;
using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

/// <summary>
/// Loads libgdal on first use and registers its drivers once. Hosts without GDAL never load it; when a
/// GDAL tool runs there, <see cref="GdalUnavailableException"/> says what to install.
/// </summary>
public static class GdalLibrary
{
    private static readonly string[] s_candidates = ["libgdal.so", "libgdal.so.36", "libgdal.so.35", "libgdal.so.34", "libgdal.so.33", "libgdal.so.32", "libgdal.so.31", "libgdal.so.30", "libgdal.dylib", "gdal.dll"];
    private static readonly Lock s_gate = new();
    private static IntPtr s_library;
    private static IntPtr s_loading;
    private static string? s_failure;

    /// <summary>
    /// GDAL's block cache unless GDAL_CACHEMAX says otherwise. Measured on 20,000² inputs (scripts/bench-memory):
    /// going from 256 to 64 MB lowered every tool's peak by 180-420 MB and made none slower (the COG, warp and
    /// DEM steps stream tiles; raster-export reads its own strips); 32 MB began to slow the strip reads.
    /// </summary>
    public const int DefaultCacheMegabytes = 64;

    /// <summary>
    /// Sets GDAL's block cache (MB), now if GDAL is loaded, else when it loads. Wins over GDAL_CACHEMAX:
    /// it comes from the operator's own flag.
    /// </summary>
    public static void SetCacheMegabytes(int megabytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(megabytes);
        lock (s_gate)
        {
            s_cacheMegabytes = megabytes;
            if (s_library != IntPtr.Zero)
            {
                Interop.Cpl.CPLSetConfigOption("GDAL_CACHEMAX", megabytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    private static int? s_cacheMegabytes;

    /// <summary>Loads GDAL if needed. Thread-safe; cheap after the first call.</summary>
    /// <exception cref="GdalUnavailableException">No libgdal on this host.</exception>
    public static void EnsureLoaded()
    {
        if (Volatile.Read(ref s_library) != IntPtr.Zero)
        {
            return;
        }

        lock (s_gate)
        {
            if (s_library != IntPtr.Zero)
            {
                return;
            }

            if (s_failure is not null)
            {
                throw new GdalUnavailableException(s_failure);
            }

            foreach (var name in s_candidates)
            {
                if (NativeLibrary.TryLoad(name, out var library))
                {
                    s_loading = library;
                    NativeLibrary.SetDllImportResolver(typeof(GdalLibrary).Assembly, Resolve);

                    // GDAL writes errors to stderr by default. Failures are captured after each call instead
                    // (GdalException); warnings go to the job running GDAL on that thread (GdalWarnings).
                    unsafe
                    {
                        Interop.Cpl.CPLSetErrorHandler((IntPtr)(delegate* unmanaged<int, int, IntPtr, void>)&GdalWarnings.Handle);
                    }

                    // Tools never write sidecar files (.aux.xml) next to inputs in the data root.
                    Interop.Cpl.CPLSetConfigOption("GDAL_PAM_ENABLED", "NO");

                    // GDAL's block cache defaults to 5% of RAM; an edge node shares its memory, so bound it
                    // unless the operator chose (GDAL_CACHEMAX in the environment wins).
                    if (s_cacheMegabytes is not null || Environment.GetEnvironmentVariable("GDAL_CACHEMAX") is null)
                    {
                        Interop.Cpl.CPLSetConfigOption("GDAL_CACHEMAX", (s_cacheMegabytes ?? DefaultCacheMegabytes).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    }

                    // Inputs read over HTTP (/vsicurl/, jobs on datasets without a mount): every worker of a raster
                    // tool opens its own handle and they read neighbouring strips, so the tiles of a strip are fetched
                    // by each of them; a cache that holds a few rows of tiles fetches them once (16 MB, GDAL's default,
                    // holds one row of an 8000-wide 4-band tile row; NDVI on a 4000² input went from 0.73 to 0.50 s).
                    if (Environment.GetEnvironmentVariable("CPL_VSIL_CURL_CACHE_SIZE") is null)
                    {
                        Interop.Cpl.CPLSetConfigOption("CPL_VSIL_CURL_CACHE_SIZE", (128L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    }

                    Interop.Gdal.GDALAllRegister();

                    // Published only now: another thread must not use GDAL before its drivers are registered.
                    Volatile.Write(ref s_library, library);
                    return;
                }
            }

            s_failure = "GDAL is not installed on this host (no libgdal found): install it, e.g. `apt-get install libgdal32` on Debian 12, to run raster tools";
            throw new GdalUnavailableException(s_failure);
        }
    }

    /// <summary>Sets a process-wide GDAL configuration option (cache size, threads...).</summary>
    public static void SetConfigOption(string key, string? value)
    {
        EnsureLoaded();
        Interop.Cpl.CPLSetConfigOption(key, value);
    }

    /// <summary>A process-wide GDAL configuration option, or null when unset.</summary>
    public static string? GetConfigOption(string key)
    {
        EnsureLoaded();
        return Marshal.PtrToStringUTF8(Interop.Cpl.CPLGetConfigOption(key, null));
    }

    /// <summary>"3.6.2", for logs and the tool catalog.</summary>
    public static string Version
    {
        get
        {
            EnsureLoaded();
            return Marshal.PtrToStringUTF8(Interop.Gdal.GDALVersionInfo("RELEASE_NAME")) ?? "?";
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name == Interop.Libraries.Gdal ? s_loading : IntPtr.Zero;
}

/// <summary>GDAL is needed but not installed.</summary>
public sealed class GdalUnavailableException(string message) : Exception(message);
