using System.Runtime.InteropServices;

namespace EdgeJobs.Coordinator;

internal static partial class Interop
{
    internal static partial class Sqlite
    {
        /// <summary>https://sqlite.org/c3ref/c_blob.html</summary>
        internal const int SQLITE_NULL = 5;

        /// <summary>https://sqlite.org/c3ref/column_blob.html (columns count from 0)</summary>
        [LibraryImport(Libraries.Sqlite)]
        internal static partial int sqlite3_column_type(IntPtr statement, int column);

        /// <summary>https://sqlite.org/c3ref/column_blob.html</summary>
        [LibraryImport(Libraries.Sqlite)]
        internal static partial long sqlite3_column_int64(IntPtr statement, int column);

        /// <summary>https://sqlite.org/c3ref/column_blob.html</summary>
        [LibraryImport(Libraries.Sqlite)]
        internal static partial double sqlite3_column_double(IntPtr statement, int column);

        /// <summary>https://sqlite.org/c3ref/column_blob.html (owned by the statement until its next step or reset)</summary>
        [LibraryImport(Libraries.Sqlite)]
        internal static unsafe partial byte* sqlite3_column_text(IntPtr statement, int column);

        /// <summary>https://sqlite.org/c3ref/column_blob.html (call after <see cref="sqlite3_column_text"/>)</summary>
        [LibraryImport(Libraries.Sqlite)]
        internal static partial int sqlite3_column_bytes(IntPtr statement, int column);
    }
}
