using System.Security.Cryptography;

namespace EdgeJobs.Smoke.Tests;

/// <summary><c>edgejobs ds</c> under AOT against a running coordinator: a file goes up in parts and comes back whole.</summary>
public class DatasetCliTests
{
    [Test]
    public async Task a_file_uploaded_in_parts_is_listed_and_downloads_the_same()
    {
        await using var coordinator = new CoordinatorProcess();
        await coordinator.StartAsync();
        var env = new Dictionary<string, string>
        {
            ["EDGEJOBS_URL"] = $"http://127.0.0.1:{coordinator.HttpPort}",
            ["EDGEJOBS_TOKEN_FILE"] = Path.Combine(coordinator.DataDir, "admin.token"),
        };
        var dir = Path.Combine(coordinator.DataDir, "cli");
        Directory.CreateDirectory(dir);
        var local = Path.Combine(dir, "scene.bin");
        var bytes = RandomNumberGenerator.GetBytes(70 << 20); // two parts of 64 MiB
        await File.WriteAllBytesAsync(local, bytes);

        var created = await Binary.RunAsync(Binary.EdgeJobs, ["ds", "create", "acme/survey"], env);
        var put = await Binary.RunAsync(Binary.EdgeJobs, ["ds", "put", "acme/survey", local, "scenes/scene.bin"], env);
        var entries = await Binary.RunAsync(Binary.EdgeJobs, ["ds", "entries", "acme/survey", "--prefix", "scenes/", "--json"], env);
        var get = await Binary.RunAsync(Binary.EdgeJobs, ["ds", "get", "acme/survey", "scenes/scene.bin", "-o", Path.Combine(dir, "back.bin")], env);
        var again = await Binary.RunAsync(Binary.EdgeJobs, ["ds", "put", "acme/survey", local, "scenes/scene.bin", "--no-overwrite"], env);
        var badName = await Binary.RunAsync(Binary.EdgeJobs, ["ds", "create", "survey"], env);

        await Assert.That(created.Exit).IsEqualTo(0).Because(created.Stderr);
        await Assert.That(put.Exit).IsEqualTo(0).Because(put.Stderr);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        await Assert.That(put.Stdout.Trim()).IsEqualTo($"scenes/scene.bin {bytes.Length} {sha}");
        await Assert.That(entries.Stdout).Contains(sha);
        await Assert.That(get.Exit).IsEqualTo(0).Because(get.Stderr);
        // Compared by hash: an element-wise assertion over 70 million bytes takes minutes.
        await using (var back = File.OpenRead(Path.Combine(dir, "back.bin")))
        {
            await Assert.That(Convert.ToHexStringLower(await SHA256.HashDataAsync(back))).IsEqualTo(sha);
        }

        await Assert.That(again.Exit).IsEqualTo(1);
        await Assert.That(again.Stderr).Contains("already exists");
        await Assert.That(badName.Exit).IsEqualTo(2);
        await Assert.That(badName.Stderr).Contains("DATASET must be ORG/NAME");
    }

    /// <summary>The README's derivatives walk on the CLI: a build with no path makes every pending entry's derivative, then finds none.</summary>
    [Test]
    public async Task a_build_with_no_path_makes_the_derivatives_and_ds_ls_pages_through_every_dataset()
    {
        await using var coordinator = new CoordinatorProcess("--local-agent-slots", "2");
        await coordinator.StartAsync();
        var env = new Dictionary<string, string>
        {
            ["EDGEJOBS_URL"] = $"http://127.0.0.1:{coordinator.HttpPort}",
            ["EDGEJOBS_TOKEN_FILE"] = Path.Combine(coordinator.DataDir, "admin.token"),
        };
        var scene = Path.Combine(coordinator.DataDir, "scene.tif");
        var (made, _, stderr) = await Binary.RunAsync("gdal_create", ["-of", "GTiff", "-outsize", "256", "256", "-bands", "3", "-burn", "40", "-a_srs", "EPSG:32633",
            "-a_ullr", "500000", "4100256", "500256", "4100000", scene]);
        await Assert.That(made).IsEqualTo(0).Because(stderr);
        await Assert.That((await Binary.RunAsync(Binary.EdgeJobs, ["ds", "create", "acme/survey"], env)).Exit).IsEqualTo(0);
        await Assert.That((await Binary.RunAsync(Binary.EdgeJobs, ["ds", "put", "acme/survey", scene, "scenes/a.tif"], env)).Exit).IsEqualTo(0);
        await Assert.That((await Binary.RunAsync(Binary.EdgeJobs, ["ds", "put", "acme/survey", scene, "scenes/b.tif"], env)).Exit).IsEqualTo(0);

        var build = await Binary.RunAsync(Binary.EdgeJobs, ["submit", "build", "--dataset", "acme/survey", "--wait"], env);
        var entries = await Binary.RunAsync(Binary.EdgeJobs, ["ds", "entries", "acme/survey", "--prefix", ".build/"], env);
        var again = await Binary.RunAsync(Binary.EdgeJobs, ["submit", "build", "--dataset", "acme/survey"], env);

        await Assert.That(build.Exit).IsEqualTo(0).Because(build.Stderr);
        await Assert.That(entries.Stdout).Contains(".build/scenes/a.tif.cog.tif");
        await Assert.That(entries.Stdout).Contains(".build/scenes/b.tif.cog.tif");
        await Assert.That(again.Exit).IsNotEqualTo(0);
        await Assert.That(again.Stderr).Contains("nothing_to_build");

        // More datasets than one page holds: ds ls follows next_cursor to the end.
        for (var i = 0; i < 1005; i++)
        {
            using var put = await coordinator.Http.PutAsync($"v1/datasets/bulk/d{i:D4}", null);
            put.EnsureSuccessStatusCode();
        }

        var listed = await Binary.RunAsync(Binary.EdgeJobs, ["ds", "ls"], env);
        await Assert.That(listed.Exit).IsEqualTo(0).Because(listed.Stderr);
        await Assert.That(listed.Stdout).Contains("acme/survey");
        await Assert.That(listed.Stdout).Contains("bulk/d1004");
        await Assert.That(listed.Stdout.Split('\n').Count(line => line.StartsWith("bulk/", StringComparison.Ordinal))).IsEqualTo(1005);
    }
}
