using System.Security.Cryptography;

namespace EdgeJobs.Coordinator.Auth;

/// <summary>
/// Secrets the coordinator keeps in its data dir (the lease-token key, the webhook signing secret): made once, written
/// whole (a partial file renamed into place, synced) and readable by the service's user only (0600), so they survive a
/// restart and never exist half-written.
/// </summary>
internal static class KeyFiles
{
    /// <summary>The file's bytes (at least <paramref name="minBytes"/>); or new ones from <paramref name="make"/>, written first.</summary>
    public static byte[] LoadOrCreate(string path, int minBytes, Func<byte[]> make, string whatBreaks)
    {
        if (File.Exists(path))
        {
            var existing = File.ReadAllBytes(path);
            return existing.Length >= minBytes
                ? existing
                : throw new InvalidDataException($"{path} holds {existing.Length} bytes; expected {minBytes} (delete it to make a new one: {whatBreaks})");
        }

        var key = make();
        var partial = path + ".partial";
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(partial, fileOptions))
        {
            file.Write(key);
            file.Flush(flushToDisk: true);
        }

        File.Move(partial, path, overwrite: true);
        return key;
    }

    /// <summary>32 random bytes.</summary>
    public static byte[] RandomKey() => RandomNumberGenerator.GetBytes(32);
}
