using System.Security.Cryptography;

namespace EdgeJobs.Smoke.Tests;

/// <summary>One machine, one binary: `edgejobs up` runs the coordinator and an embedded agent.</summary>
[NotInParallel("edgejobs-binary")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class UpBinaryTests
{
    /// <summary>Starts `edgejobs up` in a temp dir and waits for it to be ready; the env points the CLI at it.</summary>
    private static async Task<(string Dir, Proc Up, Dictionary<string, string> Env)> StartUpAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "edgejobs-smoke", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var (up, env) = await UpProcess.StartAsync(Path.Combine(dir, "data"));
        return (dir, up, env);
    }

    [Test]
    public async Task edgejobs_up_runs_a_job_to_completion_and_its_artifact_downloads_verified()
    {
        var (dir, up, env) = await StartUpAsync();
        await using var _ = up;

        var wait = await Binary.RunAsync(Binary.EdgeJobs, ["submit", "sleep", "--param", "seconds=1.5", "--wait"], env);
        await Assert.That(wait.Exit).IsEqualTo(0);
        await Assert.That(wait.Stdout).Contains("completed");
        await Assert.That(wait.Stderr).Contains("100.0%");

        var submitted = await Binary.RunAsync(Binary.EdgeJobs, ["submit", "random-artifact", "--param", "bytes=2000000", "--param", "seed=11", "--wait"], env);
        await Assert.That(submitted.Exit).IsEqualTo(0);
        var id = submitted.Stdout.Split(' ')[0].Trim();
        var download = await Binary.RunAsync(Binary.EdgeJobs, ["jobs", "download", id, "-o", dir], env);
        await Assert.That(download.Exit).IsEqualTo(0);
        var file = download.Stdout.Trim();
        await Assert.That(Path.GetFileName(file)).IsEqualTo("random-11-2000000.bin");
        var expected = new byte[2_000_000];
        var random = new Random(11);
        for (var at = 0; at < expected.Length; at += 1 << 20)
        {
            random.NextBytes(expected.AsSpan(at, Math.Min(1 << 20, expected.Length - at)));
        }

        await Assert.That(SHA256.HashData(await File.ReadAllBytesAsync(file))).IsEquivalentTo(SHA256.HashData(expected), TUnit.Assertions.Enums.CollectionOrdering.Matching);

        // GDAL, loaded lazily by the AOT binary's embedded agent.
        var raster = Path.Combine(dir, "data", "data", "scene.tif");
        var created = await Binary.RunAsync("gdal_create", ["-q", "-of", "GTiff", "-outsize", "30", "20", "-bands", "1", "-burn", "4", raster]);
        await Assert.That(created.Exit).IsEqualTo(0);
        var info = await Binary.RunAsync(Binary.EdgeJobs, ["submit", "info", "--param", "path=scene.tif", "--wait"], env);
        await Assert.That(info.Exit).IsEqualTo(0);
        var infoFile = (await Binary.RunAsync(Binary.EdgeJobs, ["jobs", "download", info.Stdout.Split(' ')[0].Trim(), "-o", dir], env)).Stdout.Trim();
        await Assert.That(await File.ReadAllTextAsync(infoFile)).Contains("\"width\": 30");

        var noArtifact = await Binary.RunAsync(Binary.EdgeJobs, ["jobs", "download", "1", "-o", dir], env);
        await Assert.That(noArtifact.Exit).IsEqualTo(1);
        await Assert.That(noArtifact.Stderr).Contains("no_artifact");

        var nodes = await Binary.RunAsync(Binary.EdgeJobs, ["nodes"], env);
        await Assert.That(nodes.Stdout).Contains("(local)");
        await Assert.That(nodes.Stdout).Contains("ready");

        await Assert.That(await up.TerminateAsync(TimeSpan.FromSeconds(20))).IsEqualTo(0);
        Directory.Delete(dir, recursive: true);
    }
}
