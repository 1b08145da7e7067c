using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>
/// One prepared SQLite statement on a connection's native handle, bound and read by position. For the
/// writer's hottest statements only: Microsoft.Data.Sqlite looks every parameter up by name and wraps each
/// execution in command and reader objects, which under load cost more than the statement itself.
/// Not thread-safe; used on the writer's thread like its connection.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    /// <summary>Binds the parameters in order (1-based in SQL: $1, $2, …) and runs the statement to its first row.</summary>
    /// <returns>True when a row is there to read; call <see cref="Reset"/> when done.</returns>
    public bool Run(params ReadOnlySpan<object?> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var index = i + 1;
            Check(values[i] switch
            {
                null => raw.sqlite3_bind_null(_statement, index),
                long v => raw.sqlite3_bind_int64(_statement, index, v),
                int v => raw.sqlite3_bind_int64(_statement, index, v),
                double v => raw.sqlite3_bind_double(_statement, index, v),
                string v => raw.sqlite3_bind_text(_statement, index, v),
                var other => throw new ArgumentException($"no binding for {other.GetType().Name}"),
            });
        }

        return Step();
    }

    /// <summary>The next row; false at the end.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc == raw.SQLITE_DONE)
        {
            return false;
        }

        var error = Error(rc);
        raw.sqlite3_reset(_statement);
        throw error;
    }

    /// <summary>Ready for the next run (bindings are overwritten by it).</summary>
    public void Reset() => raw.sqlite3_reset(_statement);

    /// <summary>Rows changed by the last INSERT, UPDATE or DELETE on this connection.</summary>
    public int Changes => raw.sqlite3_changes(_db);

    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    public int Int32(int column) => (int)raw.sqlite3_column_int64(_statement, column);

    public double Double(int column) => raw.sqlite3_column_double(_statement, column);

    public string String(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string() ?? "";

    public long? Int64OrNull(int column) => IsNull(column) ? null : Int64(column);

    public string? StringOrNull(int column) => IsNull(column) ? null : String(column);

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw Error(rc);
        }
    }

    private SqliteException Error(int rc) =>
        new(raw.sqlite3_errmsg(_db).utf8_to_string() ?? $"SQLite error {rc}", rc, raw.sqlite3_extended_errcode(_db));
}
