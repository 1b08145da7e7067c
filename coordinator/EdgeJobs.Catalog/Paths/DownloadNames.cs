namespace EdgeJobs.Catalog.Paths;

/// <summary>
/// The name a user asks a GeoTIFF artifact to download under (<c>file_name</c>), made safe the way the
/// coordinator stores artifacts: letters, digits, '.', '-' and '_' are kept, anything else (path
/// separators, spaces, control characters) becomes '_', so the name asked for is the name offered.
/// </summary>
public static class DownloadNames
{
    /// <summary>The coordinator keeps artifact names up to this length (longer ones it renames).</summary>
    public const int MaxLength = 200;

    public const string MaxLengthText = "200";

    /// <summary>Why a name cannot be used, or null.</summary>
    public static string? Violation(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "must not be empty";
        }

        var safe = Tiff(name);
        if (safe.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters with the extension (is {safe.Length})";
        }

        return safe[..^4].Any(char.IsAsciiLetterOrDigit) ? null : "must contain a letter or a digit";
    }

    /// <summary>The name with unsafe characters replaced, leading dots dropped (no hidden files), and .tif added unless it ends in .tif or .tiff.</summary>
    public static string Tiff(string name)
    {
        var safe = new string([.. name.Trim().Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_' ? ch : '_')]).TrimStart('.');
        return safe.EndsWith(".tif", StringComparison.OrdinalIgnoreCase) || safe.EndsWith(".tiff", StringComparison.OrdinalIgnoreCase) ? safe : safe + ".tif";
    }
}
