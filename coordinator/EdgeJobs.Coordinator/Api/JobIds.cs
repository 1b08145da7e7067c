using System.Globalization;

namespace EdgeJobs.Coordinator.Api;

internal static class JobIds
{
    /// <summary>Ids are positive 64-bit integers written in plain decimal; nothing else parses.</summary>
    public static bool TryParse(string? raw, out long id)
    {
        id = 0;
        return raw is { Length: > 0 and <= 19 }
            && raw.All(char.IsAsciiDigit)
            && long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out id)
            && id > 0;
    }
}
