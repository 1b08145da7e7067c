using System.Runtime.InteropServices;

namespace EdgeJobs.Coordinator;

internal static partial class Interop
{
    internal static partial class Sqlite
    {
        /// <summary>https://sqlite.org/c3ref/c_static.html: SQLite copies bound text before the call returns.</summary>
        internal static readonly IntPtr SQLITE_TRANSIENT = new(-1);

        /// <summary>https://sqlite.org/c3ref/bind_blob.html (parameters count from 1)</summary>
        [LibraryImport(Libraries.Sqlite)]
        internal static partial int sqlite3_bind_null(IntPtr statement, int index);

        /// <summary>https://sqlite.org/c3ref/bind_blob.html</summary>
        [LibraryImport(Libraries.Sqlite)]
        internal static partial int sqlite3_bind_int64(IntPtr statement, int index, long value);

        /// <summary>https://sqlite.org/c3ref/bind_blob.html</summary>
        [LibraryImport(Libraries.Sqlite)]
        internal static partial int sqlite3_bind_double(IntPtr statement, int index, double value);

        /// <summary>https://sqlite.org/c3ref/bind_blob.html (UTF-8, <paramref name="bytes"/> long)</summary>
        [LibraryImport(Libraries.Sqlite)]
        internal static unsafe partial int sqlite3_bind_text(IntPtr statement, int index, byte* utf8, int bytes, IntPtr destructor);
    }
}
