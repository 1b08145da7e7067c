using System.Diagnostics;

namespace EdgeJobs.Testing;

/// <summary>
/// Runs GDAL's own utilities (gdal-bin) and Python scripts (python3-gdal) as the tests' oracles.
/// Python is Debian's /usr/bin/python3, where python3-gdal installs; another python3 may come first on PATH.
/// </summary>
public static class GdalTool
{
    public const string Python = "/usr/bin/python3";

    /// <summary>GDAL's Python utilities and samples (validate_cloud_optimized_geotiff.py...).</summary>
    public const string PythonSamples = "/usr/lib/python3/dist-packages/osgeo_utils/samples";

    /// <summary>Runs a utility and returns its stdout; a non-zero exit throws with its stderr.</summary>
    public static async Task<string> RunAsync(string tool, params string[] args)
    {
        var (exit, stdout, stderr) = await TryRunAsync(tool, args);
        return exit == 0 ? stdout : throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({exit}): {stderr}{stdout}");
    }

    /// <summary>Runs a utility and returns its exit code and output, whatever they are.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> TryRunAsync(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {tool}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs a Python snippet with GDAL and numpy available; <c>sys.argv[1:]</c> are <paramref name="args"/>.</summary>
    public static Task<string> PythonAsync(string script, params string[] args) => RunAsync(Python, ["-c", script, .. args]);
}
