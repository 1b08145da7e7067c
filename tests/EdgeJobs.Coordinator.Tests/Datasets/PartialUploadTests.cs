using System.Security.Cryptography;
using EdgeJobs.Coordinator.Datasets;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Datasets;

/// <summary>
/// The partial file of an upload, with whole chunks written with direct I/O and with all of it through the cache (where a
/// file system has no direct I/O): the bytes and the SHA-256 are the body's, whatever the sizes of the reads, and a part
/// that ends anywhere, inside a block or not, continues into the same file.
/// </summary>
public class PartialUploadTests
{
    private static readonly byte[] Body = RandomNumberGenerator.GetBytes((5 << 20) + 1234);

    public static IEnumerable<Func<bool>> Ways() => [() => true, () => false];

    /// <summary>The test's own folder: on a disk, where direct I/O is there (the temp dir may be a tmpfs without it).</summary>
    private static TempDir OnDisk() => new(AppContext.BaseDirectory);

    private static async Task FeedAsync(PartialUpload upload, ReadOnlyMemory<byte> bytes, int readSize)
    {
        for (var at = 0; at < bytes.Length; at += readSize)
        {
            upload.Append(bytes.Span.Slice(at, Math.Min(readSize, bytes.Length - at)));
            await upload.KeepUpAsync();
        }
    }

    [Test]
    [MethodDataSource(nameof(Ways))]
    public async Task an_upload_is_the_body_byte_for_byte_and_its_hash_is_the_body_s(bool direct)
    {
        using var dir = OnDisk();
        var path = dir.File("big.bin.partial");
        await using var upload = PartialUpload.Create(path, direct);
        await Assert.That(upload.IsDirect).IsEqualTo(direct);
        await FeedAsync(upload, Body, 65_536 + 7);
        var sha = await upload.SealAsync();

        await Assert.That(sha).IsEqualTo(Convert.ToHexStringLower(SHA256.HashData(Body)));
        await Assert.That(SHA256.HashData(await File.ReadAllBytesAsync(path))).IsEquivalentTo(SHA256.HashData(Body), TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    [MethodDataSource(nameof(Ways))]
    public async Task parts_that_end_inside_a_block_or_on_a_chunk_continue_into_the_same_file(bool direct)
    {
        using var dir = OnDisk();
        var path = dir.File("big.bin.partial");
        // Ends: inside the first block, on a block, inside a chunk, on a chunk's end, then the rest.
        int[] ends = [100, 8192, (1 << 20) + 5000, 3 << 20, Body.Length];
        var start = 0;
        foreach (var end in ends)
        {
            await using var upload = start == 0 ? PartialUpload.Create(path, direct) : await PartialUpload.ResumeAsync(path, CancellationToken.None, direct);
            await Assert.That(upload.IsDirect).IsEqualTo(direct);
            await Assert.That(upload.Length).IsEqualTo(start);
            await FeedAsync(upload, Body.AsMemory(start, end - start), 40_000);
            if (end < Body.Length)
            {
                await upload.KeepAsync();
                await Assert.That(PartialUpload.LengthOf(path)).IsEqualTo(end);
            }
            else
            {
                await Assert.That(await upload.SealAsync()).IsEqualTo(Convert.ToHexStringLower(SHA256.HashData(Body)));
            }

            start = end;
        }

        await Assert.That(SHA256.HashData(await File.ReadAllBytesAsync(path))).IsEquivalentTo(SHA256.HashData(Body), TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }
}
