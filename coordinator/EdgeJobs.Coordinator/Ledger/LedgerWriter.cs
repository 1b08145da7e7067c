using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>
/// The ledger's single writer: one connection, one loop, group commit. Callers enqueue an operation and
/// await its result; the loop drains whatever is queued (up to <see cref="MaxBatch"/>) into one
/// transaction, runs each operation inside its own savepoint so one failure cannot undo its neighbours,
/// commits once, and only then completes the callers. So a caller never sees a result that is not
/// durable, and "database is locked" cannot happen between our own writers.
/// Operations whose loss on power failure is harmless (offers, rejections) may ask for a relaxed commit:
/// a batch made only of them commits with <c>synchronous = NORMAL</c> (no fsync). WAL frames reach the
/// disk in order, so the next durable commit makes them durable too.
/// </summary>
internal sealed class LedgerWriter : IAsyncDisposable
{
    public const int MaxBatch = 512;

    private readonly Channel<WriteItem> _queue =
        Channel.CreateUnbounded<WriteItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly bool _durable;
    private readonly Task _loop;
    private readonly Dictionary<string, SqliteCommand> _control = [];
    private bool _syncFull;

    /// <param name="durable">Whether commits fsync at all (<c>PRAGMA synchronous = FULL</c>); the connection is set up so.</param>
    public LedgerWriter(SqliteConnection connection, bool durable)
    {
        _connection = connection;
        Statements = new HotStatements(connection);
        _durable = durable;
        _syncFull = durable;
        _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The per-job statements, prepared on this writer's connection; for its operations only.</summary>
    public HotStatements Statements { get; }

    /// <param name="relaxed">True when losing this write to a power failure (not a crash) is harmless.</param>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, T> operation, bool relaxed = false)
    {
        var item = new WriteItem<T>(operation) { Relaxed = relaxed };
        if (!_queue.Writer.TryWrite(item))
        {
            throw new ObjectDisposedException(nameof(LedgerWriter), "the ledger is closed");
        }

        return item.Task;
    }

    private void Run()
    {
        var batch = new List<WriteItem>(MaxBatch);
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            Commit(batch);
            batch.Clear();
        }
    }

    private void Commit(List<WriteItem> batch)
    {
        try
        {
            var full = _durable && batch.Exists(item => !item.Relaxed);
            if (full != _syncFull)
            {
                Execute(full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
                _syncFull = full;
            }

            Execute("BEGIN IMMEDIATE");
            if (batch.Count == 1)
            {
                // Alone in its transaction: a failure rolls back the whole transaction below.
                batch[0].Run(_connection);
                if (batch[0].Failed)
                {
                    Execute("ROLLBACK");
                    batch[0].Publish();
                    return;
                }
            }
            else
            {
                foreach (var item in batch)
                {
                    Execute("SAVEPOINT op");
                    item.Run(_connection);
                    if (item.Failed)
                    {
                        Execute("ROLLBACK TO op");
                    }

                    Execute("RELEASE op");
                }
            }

            Execute("COMMIT");
        }
        catch (Exception e)
        {
            // The transaction itself failed (disk full, I/O error): nothing in the batch happened.
            TryRollback();
            foreach (var item in batch)
            {
                item.Fail(e);
            }
        }

        foreach (var item in batch)
        {
            item.Publish();
        }
    }

    /// <summary>Runs one of the writer's few transaction-control statements, each prepared once and kept.</summary>
    private void Execute(string sql)
    {
        if (!_control.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _control[sql] = command;
        }

        command.ExecuteNonQuery();
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
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        Statements.Dispose();
        foreach (var command in _control.Values)
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private abstract class WriteItem
    {
        public bool Failed { get; protected set; }

        public bool Relaxed { get; init; }

        public abstract void Run(SqliteConnection connection);

        public abstract void Fail(Exception error);

        public abstract void Publish();
    }

    private sealed class WriteItem<T>(Func<SqliteConnection, T> operation) : WriteItem
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _completion.Task;

        public override void Run(SqliteConnection connection)
        {
            try
            {
                _result = operation(connection);
            }
            catch (Exception e)
            {
                Fail(e);
            }
        }

        public override void Fail(Exception error)
        {
            _error ??= error;
            Failed = true;
        }

        public override void Publish()
        {
            if (_error is not null)
            {
                _completion.TrySetException(_error);
            }
            else
            {
                _completion.TrySetResult(_result!);
            }
        }
    }
}
