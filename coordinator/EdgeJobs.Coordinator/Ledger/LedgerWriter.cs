using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>
/// The ledger's single writer: one connection, one loop, group commit. Callers enqueue an operation and
/// await its result; the loop drains whatever is queued (up to <see cref="MaxBatch"/>) into one
/// transaction (a failing operation undoes only its own writes, see <see cref="Commit"/>), commits once,
/// and hands the batch to the <see cref="CommitSyncer"/>, which completes the callers once the commit is
/// on disk while this loop already runs the next batch. So a caller never sees a result
/// that is not durable, and "database is locked" cannot happen between our own writers.
/// Operations whose loss on power failure is harmless (offers, rejections) may ask for a relaxed commit:
/// a batch made only of them is not synced. WAL frames reach the disk in order, so the next durable
/// commit makes them durable too.
/// </summary>
internal sealed class LedgerWriter : IAsyncDisposable
{
    public const int MaxBatch = 512;

    private readonly ThreadQueue<WriteItem> _queue = new();
    private readonly SqliteConnection _connection;
    private readonly CommitSyncer _syncer;
    private readonly Task _loop;
    private readonly Dictionary<string, RawStatement> _control = [];

    /// <param name="connection">Open, migrated, in WAL mode with <c>synchronous = NORMAL</c>: the syncer makes commits durable.</param>
    /// <param name="walPath">The connection's write-ahead log, synced after each durable batch; null when commits need not survive power loss.</param>
    public LedgerWriter(SqliteConnection connection, string? walPath)
    {
        _connection = connection;
        Statements = new HotStatements(connection);
        _syncer = new CommitSyncer(walPath);
        _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The per-job statements, prepared on this writer's connection; for its operations only.</summary>
    public HotStatements Statements { get; }

    /// <summary>WAL syncs so far (see <see cref="CommitSyncer.Syncs"/>).</summary>
    public long Syncs => _syncer.Syncs;

    /// <summary>Set when a commit could not be made durable; the ledger refuses writes from then on.</summary>
    public Exception? Failure => _syncer.Failure;

    /// <param name="relaxed">True when losing this write to a power failure (not a crash) is harmless.</param>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, T> operation, bool relaxed = false)
    {
        if (_syncer.Failure is { } failure)
        {
            return Task.FromException<T>(failure);
        }

        var item = new WriteItem<T>(operation) { Relaxed = relaxed };
        if (!_queue.TryWrite(item))
        {
            throw new ObjectDisposedException(nameof(LedgerWriter), "the ledger is closed");
        }

        return item.Task;
    }

    private void Run()
    {
        var batch = new List<WriteItem>(MaxBatch);
        while (_queue.WaitToRead())
        {
            while (batch.Count < MaxBatch && _queue.TryRead(out var item))
            {
                batch.Add(item);
            }

            var committed = Commit(batch);
            _syncer.Enqueue([.. batch], committed && batch.Exists(item => !item.Relaxed)); // the syncer knows whether to sync at all
            batch.Clear();
        }
    }

    /// <summary>
    /// Runs the batch in one transaction; true when it committed something. Operations rarely fail, so the
    /// batch first runs as it is; only when one fails is the transaction rolled back and the batch run again
    /// with a savepoint around each operation, so the failure undoes nothing but its own writes. (A savepoint
    /// per operation, every time, was a tenth of the writer's time: each copies the pages it touches and
    /// allocates its own bookkeeping.) Operations are functions of the ledger alone, so running one twice,
    /// the first time rolled back, is the same as running it once.
    /// </summary>
    private bool Commit(List<WriteItem> batch)
    {
        try
        {
            Execute("BEGIN IMMEDIATE");
            if (RunAll(batch))
            {
                Execute("COMMIT");
                return true;
            }

            Execute("ROLLBACK");
            if (batch.Count == 1)
            {
                return false; // alone in its transaction: its failure is its answer
            }

            Execute("BEGIN IMMEDIATE");
            foreach (var item in batch)
            {
                item.Reset();
                Execute("SAVEPOINT op");
                item.Run(_connection);
                if (item.Failed)
                {
                    Execute("ROLLBACK TO op");
                }

                Execute("RELEASE op");
            }

            Execute("COMMIT");
            return true;
        }
        catch (Exception e)
        {
            // The transaction itself failed (disk full, I/O error): nothing in the batch happened.
            TryRollback();
            foreach (var item in batch)
            {
                item.Fail(e);
            }

            return false;
        }
    }

    /// <summary>Runs the operations in order until one fails; true when none did.</summary>
    private bool RunAll(List<WriteItem> batch)
    {
        foreach (var item in batch)
        {
            item.Run(_connection);
            if (item.Failed)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Runs one of the writer's few transaction-control statements, each prepared once and kept as a native
    /// statement: a savepoint and its release around every operation made them the writer's most frequent
    /// statements, and through SqliteCommand each cost more than the operation's own SQL.
    /// </summary>
    private void Execute(string sql)
    {
        if (!_control.TryGetValue(sql, out var statement))
        {
            statement = new RawStatement(_connection, sql);
            _control[sql] = statement;
        }

        try
        {
            statement.Run();
        }
        finally
        {
            statement.Reset();
        }
    }

    private void TryRollback()
    {
        try
        {
            Execute("ROLLBACK");
        }
        catch (SqliteException)
        {
            // No transaction was open.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Complete();
        await _loop.ConfigureAwait(false);
        _queue.Dispose();
        await _syncer.CompleteAsync().ConfigureAwait(false);
        _syncer.Dispose();
        Statements.Dispose();
        foreach (var statement in _control.Values)
        {
            statement.Dispose();
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
