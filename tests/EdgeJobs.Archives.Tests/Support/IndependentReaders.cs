using System.Diagnostics;

namespace EdgeJobs.Archives.Tests.Support;

/// <summary>
/// ZIP readers that share no code with ours or the BCL's, each checking every CRC: Info-ZIP's unzip and
/// CPython's zipfile read the central directory; libarchive, fed from a pipe, can only walk the local
/// headers and data descriptors, the way a browser-side or streaming unzipper does.
/// </summary>
public static class IndependentReaders
{
    public static async Task<(int ExitCode, string Output)> UnzipTestAsync(string zip) => await RunAsync("unzip", "-tqq", zip);

    /// <summary>zipfile's CLI exits 0 even on a bad CRC, so its verdict is read from the output.</summary>
    public static async Task<(bool Ok, string Output)> PythonTestAsync(string zip)
    {
        var (code, output) = await RunAsync("python3", "-m", "zipfile", "-t", zip);
        return (code == 0 && output.Contains("Done testing", StringComparison.Ordinal) && !output.Contains("corrupted", StringComparison.Ordinal), output);
    }

    /// <summary>bsdtar extracting every entry to stdout from a pipe; returns the bytes it extracted.</summary>
    public static async Task<(int ExitCode, long Bytes, string Output)> StreamingExtractAsync(string zip)
    {
        var (code, output) = await RunAsync("bash", "-c", "set -o pipefail; bsdtar -xOf - < \"$1\" | wc -c", "bash", zip);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var bytes = lines.Length > 0 && long.TryParse(lines[0].Trim(), out var n) ? n : -1;
        return (code, bytes, output);
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
