namespace EdgeJobs.Smoke.Tests.Dashboard;

/// <summary>
/// The dashboard of the published binary in a real headless Chromium: dashboard_browser.py drives it with Debian's
/// python3-selenium and chromium-driver (scripts/install-deps). A script rather than WebDriver calls from C#: Selenium
/// waits, reads the browser's console and network logs and handles downloads, and no NuGet package is added for it.
/// Screenshots of every page land in TestResults/dashboard/ at the repository's root.
/// </summary>
[NotInParallel("edgejobs-binary")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class DashboardBrowserTests
{
    // Debian's selenium is installed for the system's interpreter, not for one first on PATH (pyenv, venvs).
    private const string Python = "/usr/bin/python3";

    [Test]
    public async Task the_dashboard_signs_in_follows_a_job_live_stops_it_and_drains_a_node_in_a_headless_chromium()
    {
        var dir = Path.Combine(Path.GetTempPath(), "edgejobs-smoke", Guid.NewGuid().ToString("N"));
        var data = Path.Combine(dir, "data");
        Directory.CreateDirectory(dir);
        var (up, env) = await UpProcess.StartAsync(data);
        await using var _ = up;

        var screenshots = Path.Combine(RepositoryRoot(), "TestResults", "dashboard");
        Directory.CreateDirectory(screenshots);
        var script = Path.Combine(AppContext.BaseDirectory, "Dashboard", "dashboard_browser.py");
        var (exit, stdout, stderr) = await Binary.RunAsync(Python,
            [script, "--url", env["EDGEJOBS_URL"], "--token-file", env["EDGEJOBS_TOKEN_FILE"], "--data-root", Path.Combine(data, "data"),
             "--out", screenshots, "--downloads", Path.Combine(dir, "downloads")],
            timeout: TimeSpan.FromMinutes(4));
        Console.WriteLine(stdout);
        await Assert.That(exit).IsEqualTo(0).Because($"the browser script failed:\n{stdout}\n{stderr}\ncoordinator:\n{up.Output}");

        await Assert.That(await up.TerminateAsync(TimeSpan.FromSeconds(20))).IsEqualTo(0);
        Directory.Delete(dir, recursive: true);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EdgeJobs.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Path.GetTempPath();
    }
}
