using Dapper;
using Microsoft.Data.Sqlite;

[module: DapperAot]

// Each call site keeps its command (and SQLite's prepared statement) for the next call on the same
// connection: re-preparing every statement was the largest part of the writer's time under load.
// A kept command also keeps each text parameter's size from its first run (4000 characters when that value was
// short), and SQLite reads a later, longer value cut to it: a statement that may bind text longer than 4000
// characters (JSON lists, quoted answers of other programs) is marked [CacheCommand(false)].
[module: CacheCommand]

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>
/// The job ledger: one SQLite file in WAL mode, the single source of truth. All writes go through one
/// <see cref="LedgerWriter"/> (group commit); reads use pooled read-only connections and never block it.
/// Split by concern: <c>JobLedger.Jobs</c> (submit with dedup and quotas, read), <c>JobLedger.Control</c> (stop,
/// delete, cleanup), <c>JobLedger.Leases</c> (grant, accept, renew, finish, expire), <c>JobLedger.Agents</c>
/// (heartbeats, timeouts, nodes), <c>JobLedger.Logs</c>, <c>JobLedger.Artifacts</c>, <c>JobLedger.Idempotency</c>,
/// <c>JobLedger.Tokens</c>, <c>JobLedger.Nodes</c>; <c>JobLedger.Transitions</c> holds the shared compare-and-set.
/// </summary>
public sealed partial class JobLedger : IAsyncDisposable
{
    private static int s_providerSet;

    private readonly LedgerWriter _writer;
    private readonly string _readConnectionString;
    private readonly TimeProvider _time;

    private JobLedger(string path, LedgerWriter writer, string readConnectionString, LedgerOptions options, TimeProvider time)
    {
        Path = path;
        _writer = writer;
        _readConnectionString = readConnectionString;
        Options = options;
        _time = time;
    }

    public string Path { get; }

    public LedgerOptions Options { get; }

    /// <summary>Opens (creating if needed) and migrates the ledger at <paramref name="path"/>.</summary>
    /// <exception cref="LedgerVersionException">The file was written by a newer edgejobs.</exception>
    public static JobLedger Open(string path, LedgerOptions? options = null, TimeProvider? time = null)
    {
        EnsureProvider();
        options ??= new LedgerOptions();
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);

        var writeConnection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            writeConnection.Open();
            writeConnection.Execute("PRAGMA journal_mode = WAL");
            // Commits write the WAL without syncing it; with Durable the writer's CommitSyncer syncs it
            // before any caller hears of the commit (FULL would make the writer thread wait for the disk).
            writeConnection.Execute("PRAGMA synchronous = NORMAL");
            writeConnection.Execute("PRAGMA foreign_keys = ON");
            writeConnection.Execute("PRAGMA busy_timeout = 30000");
            // Savepoints (the writer's rerun of a batch in which an operation failed) copy each page they
            // touch into a statement journal; kept in memory it costs a memcpy, spilled to a temp file (the
            // default past 64 KiB) two write(2) calls per page on the writer thread.
            writeConnection.Execute("PRAGMA temp_store = MEMORY");
            Migrator.Migrate(writeConnection);
        }
        catch
        {
            writeConnection.Dispose();
            throw;
        }

        var read = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        return new JobLedger(full, new LedgerWriter(writeConnection, options.Durable ? full + "-wal" : null), read, options, time ?? TimeProvider.System);
    }

    /// <summary>The current time as the ledger stores it (Unix milliseconds).</summary>
    public long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    internal SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return connection;
    }

    internal Task<T> WriteAsync<T>(Func<SqliteConnection, T> operation) => _writer.WriteAsync(operation);

    /// <summary>How many times commits were synced to disk so far.</summary>
    internal long Syncs => _writer.Syncs;

    /// <summary>
    /// A write whose loss on power failure is harmless (not on a crash: WAL keeps it). Offers are so: an
    /// agent's accept of a lost offer is fenced, and its tool is stopped at the next heartbeat.
    /// </summary>
    internal Task<T> WriteRelaxedAsync<T>(Func<SqliteConnection, T> operation) => _writer.WriteAsync(operation, relaxed: true);

    /// <summary>Runs <c>PRAGMA integrity_check</c>; "ok" when the file is sound.</summary>
    public async Task<string> IntegrityCheckAsync()
    {
        await using var connection = OpenReader();
        return string.Join("; ", connection.Query<string>("PRAGMA integrity_check"));
    }

    /// <summary>Ready when a reader can query the migrated schema and commits are still being made durable.</summary>
    public async Task<bool> IsReadyAsync() => await NotReadyReasonAsync().ConfigureAwait(false) is null;

    /// <summary>Why the ledger is not ready (for <c>/readyz</c>), or null when it is.</summary>
    public async Task<string?> NotReadyReasonAsync()
    {
        if (_writer.Failure is { } failure)
        {
            return failure.Message;
        }

        try
        {
            await using var connection = OpenReader();
            return connection.ExecuteScalar<long>("PRAGMA user_version") == Migrator.LatestVersion ? null : "the ledger is not migrated yet";
        }
        catch (SqliteException e)
        {
            return "the ledger cannot be read: " + e.Message;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        SqliteConnection.ClearAllPools();
    }

    private static void EnsureProvider()
    {
        // The system SQLite: linked statically into the AOT binary, libsqlite3.so under the JIT.
        if (Interlocked.Exchange(ref s_providerSet, 1) == 0)
        {
            SQLitePCL.raw.SetProvider(new SQLitePCL.SQLite3Provider_sqlite3());

            // Before SQLite initialises: no mutex per call on a connection (each of ours is used by one
            // thread at a time: the writer's by its loop, a reader by whoever took it from the pool) and no
            // global allocation statistics. Both took ~8% of the coordinator's CPU under load. A host that
            // initialised SQLite first keeps its settings; these calls then fail harmlessly.
            SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MULTITHREAD);
            SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MEMSTATUS, 0);
        }
    }
}
