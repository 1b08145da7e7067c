using System.Globalization;

namespace EdgeJobs.Catalog.Tools;

/// <summary>
/// The order of an exec tool's versions, to tell which one new submits get: dotted parts compared as numbers when both
/// are (so 1.10 is after 1.9), otherwise ordinally; a version with more parts is the later one (1.0.1 after 1.0); a
/// pre-release suffix after '-' comes before its release (2.0-rc1 before 2.0), as semantic versioning orders them.
/// </summary>
public static class ToolVersions
{
    public static int Compare(string a, string b)
    {
        var (coreA, preA) = Split(a);
        var (coreB, preB) = Split(b);
        var byCore = CompareDotted(coreA, coreB);
        if (byCore != 0)
        {
            return byCore;
        }

        return (preA, preB) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            _ => CompareDotted(preA, preB),
        };
    }

    /// <summary>Whether <paramref name="candidate"/> is later than <paramref name="current"/>.</summary>
    public static bool IsLater(string candidate, string current) => Compare(candidate, current) > 0;

    private static (string Core, string? PreRelease) Split(string version)
    {
        // Build metadata (+…) does not order versions.
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        var bare = plus >= 0 ? version[..plus] : version;
        var dash = bare.IndexOf('-', StringComparison.Ordinal);
        return dash >= 0 ? (bare[..dash], bare[(dash + 1)..]) : (bare, null);
    }

    private static int CompareDotted(string a, string b)
    {
        var partsA = a.Split('.');
        var partsB = b.Split('.');
        for (var i = 0; i < Math.Min(partsA.Length, partsB.Length); i++)
        {
            var order = long.TryParse(partsA[i], NumberStyles.None, CultureInfo.InvariantCulture, out var x)
                && long.TryParse(partsB[i], NumberStyles.None, CultureInfo.InvariantCulture, out var y)
                    ? x.CompareTo(y)
                    : string.CompareOrdinal(partsA[i], partsB[i]);
            if (order != 0)
            {
                return order;
            }
        }

        return partsA.Length.CompareTo(partsB.Length);
    }
}
