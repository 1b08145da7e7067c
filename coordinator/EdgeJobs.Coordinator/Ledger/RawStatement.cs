using System.Buffers;
using System.Text;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>
/// One prepared SQLite statement on a connection's native handle, bound and read by position. For the
/// writer's hottest statements only: Microsoft.Data.Sqlite looks every parameter up by name and wraps each
/// execution in command and reader objects, which under load cost more than the statement itself.
/// Not thread-safe; used on the writer's thread like its connection, and disposed before it closes.
/// </summary>
internal sealed unsafe class RawStatement : IDisposable
{
    private const int StackTextBytes = 512;

    /// <summary>The connection's sqlite3*, alive while the connection is open (it outlives its statements).</summary>
    private readonly IntPtr _db;
    private IntPtr _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = (connection.Handle ?? throw new InvalidOperationException("the connection is not open")).DangerousGetHandle();
        var utf8 = Encoding.UTF8.GetBytes(sql);
        fixed (byte* text = utf8)
        {
            Check(Interop.Sqlite.sqlite3_prepare_v2(_db, text, utf8.Length, out _statement, IntPtr.Zero));
        }
    }

    /// <summary>Binds the parameters in order (?1, ?2, … in SQL) and runs the statement to its first row.</summary>
    /// <returns>True when a row is there to read; call <see cref="Reset"/> when done.</returns>
    public bool Run(params ReadOnlySpan<SqlValue> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i];
            Check(value.Kind switch
            {
                SqlValueKind.Null => Interop.Sqlite.sqlite3_bind_null(_statement, i + 1),
                SqlValueKind.Integer => Interop.Sqlite.sqlite3_bind_int64(_statement, i + 1, value.Integer),
                SqlValueKind.Real => Interop.Sqlite.sqlite3_bind_double(_statement, i + 1, value.Real),
                _ => Bind(i + 1, value.Text!),
            });
        }

        return Step();
    }

    private int Bind(int index, string text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        var buffer = max <= StackTextBytes ? stackalloc byte[StackTextBytes] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, buffer);
            fixed (byte* utf8 = buffer)
            {
                // Transient: SQLite copies the text before returning, so the buffer can go.
                return Interop.Sqlite.sqlite3_bind_text(_statement, index, utf8, length, Interop.Sqlite.SQLITE_TRANSIENT);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The next row; false at the end.</summary>
    public bool Step()
    {
        var rc = Interop.Sqlite.sqlite3_step(_statement);
        if (rc == Interop.Sqlite.SQLITE_ROW)
        {
            return true;
        }

        if (rc == Interop.Sqlite.SQLITE_DONE)
        {
            return false;
        }

        var error = Error(rc);
        Interop.Sqlite.sqlite3_reset(_statement);
        throw error;
    }

    /// <summary>Ready for the next run (bindings are overwritten by it).</summary>
    public void Reset() => Interop.Sqlite.sqlite3_reset(_statement);

    /// <summary>Rows changed by the last INSERT, UPDATE or DELETE on this connection.</summary>
    public int Changes => Interop.Sqlite.sqlite3_changes(_db);

    /// <summary>The rowid of the last row this connection inserted.</summary>
    public long LastInsertRowId => Interop.Sqlite.sqlite3_last_insert_rowid(_db);

    public bool IsNull(int column) => Interop.Sqlite.sqlite3_column_type(_statement, column) == Interop.Sqlite.SQLITE_NULL;

    public long Int64(int column) => Interop.Sqlite.sqlite3_column_int64(_statement, column);

    public int Int32(int column) => (int)Interop.Sqlite.sqlite3_column_int64(_statement, column);

    public double Double(int column) => Interop.Sqlite.sqlite3_column_double(_statement, column);

    public string String(int column)
    {
        var text = Interop.Sqlite.sqlite3_column_text(_statement, column); // before sqlite3_column_bytes, as SQLite asks
        return text is null ? "" : Encoding.UTF8.GetString(text, Interop.Sqlite.sqlite3_column_bytes(_statement, column));
    }

    public long? Int64OrNull(int column) => IsNull(column) ? null : Int64(column);

    public string? StringOrNull(int column) => IsNull(column) ? null : String(column);

    public void Dispose()
    {
        if (_statement != IntPtr.Zero)
        {
            Interop.Sqlite.sqlite3_finalize(_statement);
            _statement = IntPtr.Zero;
        }
    }

    private void Check(int rc)
    {
        if (rc != Interop.Sqlite.SQLITE_OK)
        {
            throw Error(rc);
        }
    }

    private SqliteException Error(int rc)
    {
        var message = Interop.Sqlite.sqlite3_errmsg(_db);
        return new SqliteException(message is null ? $"SQLite error {rc}" : System.Runtime.InteropServices.Marshal.PtrToStringUTF8((IntPtr)message), rc, Interop.Sqlite.sqlite3_extended_errcode(_db));
    }
}
