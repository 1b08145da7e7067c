using System.Diagnostics;

namespace EdgeJobs.Testing;

/// <summary>
/// The Python scripts beside this project (<c>Python/</c>), run by Debian's interpreter, <c>/usr/bin/python3</c>, where
/// <c>scripts/install-deps</c> installs the modules they import (python3-owslib, python3-jsonschema, python3-yaml).
/// </summary>
public static class PythonScripts
{
    public const string Interpreter = "/usr/bin/python3";

    public static string PathOf(string script) => Path.Combine(Samples.RepoRoot(), "tests", "EdgeJobs.Testing", "Python", script);

    /// <summary>Runs a script with arguments and standard input; its exit code and what it wrote.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string script, IEnumerable<string> arguments, string stdin = "",
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(PathOf(script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not end within {timeout ?? TimeSpan.FromMinutes(2)}: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Starts a script that serves on loopback and prints its URL as its first line (<c>dap2_server.py</c>); the server
    /// runs until the returned handle is disposed, which kills it.
    /// </summary>
    public static async Task<ScriptServer> StartServerAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(PathOf(script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var log = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var url = await process.StandardOutput.ReadLineAsync(limit.Token);
        if (url is null || !url.StartsWith("http://", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw new InvalidOperationException($"{script} did not print its URL: {url}\n{log}");
        }

        return new ScriptServer(process, new Uri(url), log);
    }
}

/// <summary>A script serving on loopback (<see cref="PythonScripts.StartServerAsync"/>); disposing it kills it.</summary>
public sealed class ScriptServer(Process process, Uri url, System.Text.StringBuilder log) : IDisposable
{
    public Uri Url { get; } = url;

    /// <summary>What it wrote to stderr so far (its request log).</summary>
    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }

        process.Dispose();
    }
}
