using System.Collections.Concurrent;

namespace EdgeJobs.Coordinator.Datasets;

/// <summary>
/// One async lock per dataset, held while its files and its index change together (an upload's rename and
/// index row, a delete, a move) and while a download picks the file its ETag describes. One coordinator
/// owns a data dir, so an in-process lock is enough to keep the two in step. Streaming an upload happens
/// outside it: only the few milliseconds that publish it are serialised.
/// </summary>
internal sealed class DatasetLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task<IDisposable> EnterAsync(string org, string dataset, CancellationToken cancellation = default)
    {
        var gate = _locks.GetOrAdd(org + "/" + dataset, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellation).ConfigureAwait(false);
        return new Releaser(gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
