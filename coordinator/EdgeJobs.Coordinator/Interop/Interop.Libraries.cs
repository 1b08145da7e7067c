namespace EdgeJobs.Coordinator;

internal static partial class Interop
{
    // The published binary binds both at link time (the Host's <DirectPInvoke Include="sqlite3" /> and
    // <DirectPInvoke Include="libc" />): these names must stay exactly as they are.
    internal static class Libraries
    {
        /// <summary>
        /// The SQLite Microsoft.Data.Sqlite uses: linked into the published binary, the system's
        /// libsqlite3 otherwise. Its statement calls are made directly on raw pointers: through SQLitePCL
        /// each call also took and released a SafeHandle and went through an interface, several hundred
        /// times per job on the writer's thread.
        /// </summary>
        internal const string Sqlite = "sqlite3";

        /// <summary>
        /// The C library, for <c>fdatasync</c>: .NET only offers <c>fsync</c> (<c>RandomAccess.FlushToDisk</c>,
        /// <c>FileStream.Flush(true)</c>), which would also write the WAL's metadata (its mtime) on every sync.
        /// </summary>
        internal const string Libc = "libc";
    }
}
