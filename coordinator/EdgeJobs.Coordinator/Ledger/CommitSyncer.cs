using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>
/// The second stage of the writer's pipeline: makes committed batches durable and only then completes
/// their callers, in commit order. The writer commits with <c>synchronous = NORMAL</c> (its WAL frames
/// reach the page cache, no fsync) and hands the batch over here; one <c>fdatasync</c> of the WAL file then
/// covers every batch committed since the last one, while the writer already runs the next batch. So the
/// writer thread never waits for the disk, and a caller still never sees a result a power failure could
/// take back. Batches made only of relaxed writes skip the sync but still wait their turn, so nothing is
/// published ahead of an earlier write that is not yet durable.
/// A failed sync leaves the ledger's durability unknown (the kernel may have dropped the dirty pages): the
/// waiting callers get the error and every later write is refused until the process restarts.
/// </summary>
internal sealed class CommitSyncer : IDisposable
{
    private readonly ThreadQueue<Batch> _queue = new();
    private readonly SafeFileHandle? _wal;
    private readonly Task _loop;
    private volatile Exception? _failure;
    private long _syncs;

    /// <param name="walPath">The database's write-ahead log to sync, or null when commits need not be durable.</param>
    public CommitSyncer(string? walPath)
    {
        // Its own descriptor: fdatasync acts on the file, whoever wrote it. Only the -wal file is opened:
        // closing a descriptor of the database or -shm file would drop SQLite's POSIX locks on it.
        _wal = walPath is null ? null : File.OpenHandle(walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>How many times the WAL was synced: batches per sync is the group commit's yield.</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    /// <summary>Set when a sync failed; every later write must be refused with it.</summary>
    public Exception? Failure => _failure;

    /// <param name="items">The batch's operations, committed (or failed) together.</param>
    /// <param name="needsSync">Whether the batch committed a write that must survive power loss.</param>
    public void Enqueue(WriteItem[] items, bool needsSync) => _queue.TryWrite(new Batch(items, needsSync && _wal is not null));

    private void Run()
    {
        var pending = new List<Batch>();
        while (_queue.WaitToRead())
        {
            var sync = false;
            while (_queue.TryRead(out var batch))
            {
                pending.Add(batch);
                sync |= batch.NeedsSync;
            }

            if (sync && _failure is null)
            {
                if (SyncWal() is { } errno)
                {
                    _failure = new IOException($"the ledger's write-ahead log could not be synced to disk (errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}); restart edgejobs once the disk is healthy");
                }

                Interlocked.Increment(ref _syncs);
            }

            foreach (var batch in pending)
            {
                foreach (var item in batch.Items)
                {
                    if (_failure is { } failure)
                    {
                        item.Fail(failure);
                    }

                    item.Publish();
                }
            }

            pending.Clear();
        }
    }

    /// <summary>Waits until every batch handed over has been published.</summary>
    public Task CompleteAsync()
    {
        _queue.Complete();
        return _loop;
    }

    public void Dispose()
    {
        _wal?.Dispose();
        _queue.Dispose();
    }

    /// <summary>fdatasync of the WAL, again if a signal interrupted it; the errno when it failed.</summary>
    private int? SyncWal()
    {
        const int interrupted = 4; // EINTR
        while (true)
        {
            if (Interop.Libc.fdatasync((int)_wal!.DangerousGetHandle()) == 0)
            {
                return null;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != interrupted)
            {
                return errno;
            }
        }
    }

    private readonly record struct Batch(WriteItem[] Items, bool NeedsSync);
}
