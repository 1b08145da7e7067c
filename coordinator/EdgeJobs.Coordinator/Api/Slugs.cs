namespace EdgeJobs.Coordinator.Api;

/// <summary>
/// The ids users choose for campaigns, workspaces and projects: short, lower-case, safe in a URL path segment and a log
/// line without escaping.
/// </summary>
internal static class Slugs
{
    public const string Rule = "must be 1-63 of a-z, 0-9, '-' and '_', starting with a letter or digit";

    public static bool IsValid(string? id) =>
        id is { Length: >= 1 and <= 63 } && (char.IsAsciiLetterLower(id[0]) || char.IsAsciiDigit(id[0])) && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_');
}
