using System.Diagnostics;
using System.Net;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Datasets;

/// <summary>
/// A disk that refuses part of an upload (full): the client hears it at once with an offset of 0, and nothing of the
/// upload is kept — a partial with a hole would be resumed as if whole.
/// </summary>
public class UploadDiskFullTests
{
    private static void Run(params string[] argv)
    {
        using var process = Process.Start(new ProcessStartInfo(argv[0], argv[1..]) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', argv)}: exit {process.ExitCode}: {error}");
        }
    }

    [Test]
    public async Task a_full_disk_is_500_upload_failed_with_offset_0_and_leaves_no_partial()
    {
        await using var h = await DatasetHarness.StartAsync();
        // The datasets on a 16 MiB file system of their own (the tests run as root, as CI does).
        Run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", h.DatasetsDir);
        try
        {
            Directory.CreateDirectory(h.DatasetDir);
            using (var full = await h.PutFileAsync("big.bin", DatasetHarness.Bytes(40 << 20, seed: 3)))
            {
                await Assert.That(full.StatusCode).IsEqualTo(HttpStatusCode.InternalServerError);
                var problem = await ApiServer.ProblemAsync(full);
                await Assert.That(problem.ErrorCode).IsEqualTo("upload_failed");
                await Assert.That(problem.Detail!).Contains("send it again from byte 0");
                await Assert.That(full.Headers.GetValues("Upload-Offset").Single()).IsEqualTo("0");
            }

            await Assert.That(h.Partials()).IsEmpty();
            // The space is free again: a file that fits is stored whole.
            var small = DatasetHarness.Bytes(1 << 20, seed: 4);
            using var stored = await h.PutFileAsync("small.bin", small);
            await Assert.That(stored.StatusCode).IsEqualTo(HttpStatusCode.Created);
            await Assert.That(await File.ReadAllBytesAsync(Path.Combine(h.DatasetDir, "small.bin"))).IsEquivalentTo(small, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }
        finally
        {
            Run("umount", "-l", h.DatasetsDir);
        }
    }
}
