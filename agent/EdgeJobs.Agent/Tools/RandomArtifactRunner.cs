using EdgeJobs.Catalog.Tools;

namespace EdgeJobs.Agent.Tools;

/// <summary>The diagnostic <c>random-artifact</c>: a file of seeded pseudo-random bytes, written block by block.</summary>
public sealed class RandomArtifactRunner : IAgentTool
{
    private const int BlockBytes = 1 << 20;

    public string Id => RandomArtifactTool.Instance.Id;

    public string Version => RandomArtifactTool.Instance.Version;

    public async Task RunAsync(ToolContext context)
    {
        var p = RandomArtifactTool.Instance.Read(context.ParamsJson);
        var path = Path.Combine(context.WorkDir, "random.bin");
        var random = new Random(p.Seed);
        var block = new byte[BlockBytes];
        var name = $"random-{p.Seed}-{p.Bytes}.bin";
        var tracked = context.TrackOutput(path, name);
        var blocks = (p.Bytes + BlockBytes - 1) / BlockBytes;
        tracked.SetBlocks(0, blocks);
        context.ReportProgress(0, "writing");
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
        {
            for (long written = 0; written < p.Bytes;)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                var count = (int)Math.Min(BlockBytes, p.Bytes - written);
                random.NextBytes(block.AsSpan(0, count));
                await file.WriteAsync(block.AsMemory(0, count), context.Cancellation).ConfigureAwait(false);
                written += count;
                tracked.SetBlocks((written + BlockBytes - 1) / BlockBytes, blocks);
                context.ReportProgress(100.0 * written / p.Bytes, "writing");
            }
        }

        context.Log($"wrote {p.Bytes} bytes (seed {p.Seed})");
        context.SetArtifact(path, name);
    }
}
