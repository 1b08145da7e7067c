using System.Text;

namespace EdgeJobs.Protocol.Datasets;

/// <summary>
/// The rules for a path inside a dataset, the same for the client that sends it and the coordinator that
/// stores it: relative, '/'-separated, every segment a real name. What a rule refuses is never repaired
/// silently (a leading '/' is not stripped, "a//b" is not collapsed), because a path the client did not
/// mean is worse than a 400 that says what is wrong. Names are kept as sent, with no Unicode normalisation:
/// the binaries run with invariant globalization, which cannot compose non-ASCII text.
/// </summary>
public static class DatasetPaths
{
    /// <summary>Most file systems' limit for one name, in UTF-8 bytes.</summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>A whole path, in UTF-8 bytes: room for deep trees, well under PATH_MAX with the data dir in front.</summary>
    public const int MaxPathBytes = 1024;

    /// <summary>Checks an entry path (<paramref name="normalized"/> is the path as it is stored).</summary>
    /// <returns>Null when <paramref name="normalized"/> is valid; otherwise why not, to put in a 400.</returns>
    public static string? Check(string? path, out string normalized) => CheckCore(path, allowTrailingSlash: false, out normalized);

    /// <summary>
    /// A listing prefix: a path, or a folder ending in '/', or the start of a name ("scenes/L7"). Empty means
    /// the whole dataset.
    /// </summary>
    public static string? CheckPrefix(string? prefix, out string normalized)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            normalized = "";
            return null;
        }

        return CheckCore(prefix, allowTrailingSlash: true, out normalized);
    }

    private static string? CheckCore(string? path, bool allowTrailingSlash, out string normalized)
    {
        normalized = "";
        if (string.IsNullOrEmpty(path))
        {
            return "must not be empty";
        }

        foreach (var c in path)
        {
            // C0 and C1 controls and DEL: invisible in listings, and NUL ends a path in every C API below us.
            if (char.IsControl(c))
            {
                return "must not contain NUL or other control characters";
            }
        }

        if (HasLoneSurrogate(path))
        {
            return "is not valid Unicode";
        }

        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return "must use '/' as the separator, not '\\'";
        }

        if (path[0] == '/' || (path.Length >= 2 && path[1] == ':' && char.IsAsciiLetter(path[0])))
        {
            return "must be relative to the dataset, not absolute";
        }

        if (Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
        {
            return $"must be at most {MaxPathBytes} bytes (UTF-8)";
        }

        var segments = path.Split('/');
        var last = segments.Length - 1;
        for (var i = 0; i <= last; i++)
        {
            var segment = segments[i];
            if (segment.Length == 0)
            {
                if (i == last && allowTrailingSlash && last > 0)
                {
                    continue;
                }

                return i == last ? "must not end with '/'" : "must not contain an empty segment ('//')";
            }

            if (segment is "." or "..")
            {
                return $"must not contain a '{segment}' segment";
            }

            if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
            {
                return $"must not have a segment longer than {MaxSegmentBytes} bytes (UTF-8)";
            }
        }

        normalized = path;
        return null;
    }

    private static bool HasLoneSurrogate(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return true;
            }
        }

        return false;
    }
}
