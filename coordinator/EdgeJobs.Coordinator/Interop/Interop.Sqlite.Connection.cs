using System.Runtime.InteropServices;

namespace EdgeJobs.Coordinator;

internal static partial class Interop
{
    internal static partial class Sqlite
    {
        /// <summary>https://sqlite.org/c3ref/changes.html</summary>
        [LibraryImport(Libraries.Sqlite)]
        internal static partial int sqlite3_changes(IntPtr db);

        /// <summary>https://sqlite.org/c3ref/last_insert_rowid.html</summary>
        [LibraryImport(Libraries.Sqlite)]
        internal static partial long sqlite3_last_insert_rowid(IntPtr db);

        /// <summary>https://sqlite.org/c3ref/errcode.html (owned by SQLite, valid until the connection's next call)</summary>
        [LibraryImport(Libraries.Sqlite)]
        internal static unsafe partial byte* sqlite3_errmsg(IntPtr db);

        /// <summary>https://sqlite.org/c3ref/errcode.html</summary>
        [LibraryImport(Libraries.Sqlite)]
        internal static partial int sqlite3_extended_errcode(IntPtr db);
    }
}
