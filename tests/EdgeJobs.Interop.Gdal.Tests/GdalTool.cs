using System.Diagnostics;

namespace EdgeJobs.Interop.Gdal.Tests;

/// <summary>Runs one of GDAL's command-line utilities (from gdal-bin) and returns its stdout.</summary>
internal static class GdalTool
{
    public static async Task<string> RunAsync(string tool, params string[] args)
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
        return process.ExitCode == 0 ? await stdout : throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed: {await stderr}");
    }
}
