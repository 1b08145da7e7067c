using EdgeJobs.Coordinator.Transport;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Transport;

public class LargeBlockMemoryPoolTests
{
    [Test]
    public async Task blocks_are_64_KiB_reused_returned_once_and_kept_up_to_the_cap()
    {
        using var pool = new LargeBlockMemoryPool();
        var first = pool.Rent(4096);
        await Assert.That(first.Memory.Length).IsEqualTo(LargeBlockMemoryPool.BlockBytes);
        first.Dispose();
        first.Dispose();
        await Assert.That(pool.FreeBlocks).IsEqualTo(1);
        var again = pool.Rent();
        await Assert.That(again).IsSameReferenceAs(first);
        await Assert.That(pool.FreeBlocks).IsEqualTo(0);
        await Assert.That(() => pool.Rent(LargeBlockMemoryPool.BlockBytes + 1)).Throws<ArgumentOutOfRangeException>();

        var many = Enumerable.Range(0, LargeBlockMemoryPool.MaxFreeBlocks + 10).Select(_ => pool.Rent()).ToList();
        many.ForEach(b => b.Dispose());
        await Assert.That(pool.FreeBlocks).IsEqualTo(LargeBlockMemoryPool.MaxFreeBlocks);
    }

    [Test]
    public async Task kestrel_receives_into_them()
    {
        await using var api = await ApiServer.StartAsync();
        using var response = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, "{\"tool\":\"sleep\",\"params\":{\"seconds\":0.1},\"pad\":\"" + new string('x', 200_000) + "\"}");

        // Whatever it answered, the body was received into blocks of the large pool and given back.
        await Assert.That(api.Server.ReceiveBuffers.Created.Sum(p => p.FreeBlocks)).IsGreaterThan(0);
    }
}
