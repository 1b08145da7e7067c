using System.Diagnostics;

namespace EdgeJobs.Archives.Tests.Support;

/// <summary>ZIP readers that share no code with ours or the BCL's: Info-ZIP's unzip and CPython's zipfile, each testing every CRC.</summary>
public static class IndependentReaders
{
    public static async Task<(int ExitCode, string Output)> UnzipTestAsync(string zip) => await RunAsync("unzip", "-tqq", zip);

    /// <summary>zipfile's CLI exits 0 even on a bad CRC, so its verdict is read from the output.</summary>
    public static async Task<(bool Ok, string Output)> PythonTestAsync(string zip)
    {
        var (code, output) = await RunAsync("python3", "-m", "zipfile", "-t", zip);
        return (code == 0 && output.Contains("Done testing", StringComparison.Ordinal) && !output.Contains("corrupted", StringComparison.Ordinal), output);
    }

    private static async Task<(int, string)> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
