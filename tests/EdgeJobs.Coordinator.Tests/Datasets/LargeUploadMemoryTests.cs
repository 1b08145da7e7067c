using System.Net;
using System.Security.Cryptography;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Datasets;

/// <summary>
/// A 200 MB file up and down through the coordinator allocates a small fraction of its size: it is streamed
/// between the socket and the disk, never held. Measured as managed bytes allocated by the whole process (the
/// server and this client, which makes and checks its bytes in one reused buffer), so it does not depend on
/// timing or on when a collection runs; the test runs alone so other tests' allocations are not counted.
/// </summary>
[NotInParallel]
public class LargeUploadMemoryTests
{
    private const long Size = 200L << 20;

    /// <summary>
    /// 16 MiB, under a tenth of the file: buffering it even once would pass this twelve times over. Measured on a
    /// 2-core VM: under 1 MiB up and about 1 MiB down, so the margin is for the runtime, not for the code.
    /// </summary>
    private const long AllocationBudget = 16L << 20;

    [Test]
    public async Task a_200_mb_upload_and_download_allocate_a_fraction_of_the_file()
    {
        await using var h = await DatasetHarness.StartAsync();
        // Warm up the paths once (JIT, pools), so the measurement sees the steady state.
        (await h.PutFileAsync("warm.bin", new byte[1 << 20])).Dispose();

        var before = GC.GetTotalAllocatedBytes(precise: true);
        using var content = new GeneratedContent(Size, seed: 42);
        string uploaded;
        using (var put = await h.SendAsync(HttpMethod.Put, $"{DatasetHarness.Base}/files/big/ortho.tif", h.Acme, content))
        {
            await Assert.That(put.StatusCode).IsEqualTo(HttpStatusCode.Created);
            uploaded = (await ApiServer.ReadAsync(put, RestJsonContext.Default.DatasetEntryDto))!.Sha256;
        }

        var afterUpload = GC.GetTotalAllocatedBytes(precise: true);
        string downloaded;
        using (var get = await h.GetFileAsync("big/ortho.tif"))
        {
            await Assert.That(get.StatusCode).IsEqualTo(HttpStatusCode.OK);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using var body = await get.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            downloaded = Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        var afterDownload = GC.GetTotalAllocatedBytes(precise: true);
        await Assert.That(uploaded).IsEqualTo(content.Sha256);
        await Assert.That(downloaded).IsEqualTo(content.Sha256);
        await Assert.That(afterUpload - before).IsLessThan(AllocationBudget);
        await Assert.That(afterDownload - afterUpload).IsLessThan(AllocationBudget);
    }
}
