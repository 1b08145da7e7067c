namespace EdgeJobs.Protocol.Jobs;

/// <summary>
/// Node labels (<c>edgejobs-agent --label site=farm-7</c>) and the labels a job may require (<c>node_labels</c>):
/// keys and values of 1-63 characters from <c>A-Z a-z 0-9 . _ -</c>, so they print, match byte for byte and
/// need no escaping in a URL, a shell or JSON.
/// </summary>
public static class NodeLabels
{
    public const string Rule = "must be 1-63 of A-Z, a-z, 0-9, '.', '_' and '-'";

    public static bool IsValidKey(string? key) => IsValidValue(key);

    public static bool IsValidValue(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 63)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
