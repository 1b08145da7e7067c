using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EdgeJobs.Smoke.Tests;

/// <summary>Finds and runs the published binaries in dist/ (or $EDGEJOBS_DIST).</summary>
internal static class Binary
{
    public static string Dist
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("EDGEJOBS_DIST");
            if (!string.IsNullOrEmpty(env))
            {
                return env;
            }

            return Path.Combine(RepoRoot, "dist");
        }
    }

    /// <summary>The checkout the tests were built in: the first folder above them that holds EdgeJobs.sln.</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EdgeJobs.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? ".";
        }
    }

    public static string EdgeJobs
    {
        get
        {
            var path = Path.Combine(Dist, "edgejobs");
            return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: run scripts/publish (scripts/test does) before the smoke tests");
        }
    }

    public static string EdgeJobsAgent
    {
        get
        {
            var path = Path.Combine(Dist, "edgejobs-agent");
            return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: run scripts/publish (scripts/test does) before the smoke tests");
        }
    }

    /// <summary>
    /// A free port below the kernel's ephemeral range (32768+): the tests restart binaries on the same
    /// ports, and in the meantime an outgoing connection from any process could be given a port from
    /// that range and make the restart fail with "address in use".
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }
    }

    /// <param name="timeout">How long the command may run (default 60 s); past it, it is killed and a TimeoutException names it.</param>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, string? workDir = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workDir ?? "" };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        using var expiry = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(expiry.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', info.ArgumentList)} did not end within {limit.TotalSeconds} s (killed)");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
