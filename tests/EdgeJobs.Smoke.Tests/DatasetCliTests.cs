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
}
