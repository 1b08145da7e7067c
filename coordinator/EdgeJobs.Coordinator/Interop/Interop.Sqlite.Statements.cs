using System.Runtime.InteropServices;

namespace EdgeJobs.Coordinator;

internal static partial class Interop
{
    internal static partial class Sqlite
    {
        /// <summary>https://sqlite.org/rescode.html</summary>
        internal const int SQLITE_OK = 0;
        internal const int SQLITE_ROW = 100;
        internal const int SQLITE_DONE = 101;

        /// <summary>https://sqlite.org/c3ref/prepare.html</summary>
        [LibraryImport(Libraries.Sqlite)]
        internal static unsafe partial int sqlite3_prepare_v2(IntPtr db, byte* sql, int bytes, out IntPtr statement, IntPtr tail);

        /// <summary>https://sqlite.org/c3ref/step.html</summary>
        [LibraryImport(Libraries.Sqlite)]
        internal static partial int sqlite3_step(IntPtr statement);

        /// <summary>https://sqlite.org/c3ref/reset.html (keeps the bindings)</summary>
        [LibraryImport(Libraries.Sqlite)]
        internal static partial int sqlite3_reset(IntPtr statement);

        /// <summary>https://sqlite.org/c3ref/finalize.html</summary>
        [LibraryImport(Libraries.Sqlite)]
        internal static partial int sqlite3_finalize(IntPtr statement);
    }
}
