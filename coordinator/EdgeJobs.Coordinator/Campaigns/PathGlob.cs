using Microsoft.Extensions.FileSystemGlobbing;

namespace EdgeJobs.Coordinator.Campaigns;

/// <summary>
/// Which listed paths are records: a glob (<c>*</c> within a folder, <c>**</c> across folders, <c>?</c> one character),
/// matched case-sensitively against paths relative to the listing's root; no glob matches every file.
/// </summary>
internal sealed class PathGlob
{
    private readonly Matcher? _matcher;

    public PathGlob(string? glob)
    {
        Text = glob;
        if (glob is not null)
        {
            _matcher = new Matcher(StringComparison.Ordinal);
            _matcher.AddInclude(glob);
        }
    }

    public string? Text { get; }

    /// <summary>The folder every match lies under (the glob's segments before its first wildcard), to list less.</summary>
    public string Prefix
    {
        get
        {
            if (Text is null)
            {
                return "";
            }

            var segments = Text.Split('/');
            var fixedSegments = segments.TakeWhile(s => s.IndexOfAny(['*', '?', '[', '{']) < 0).Take(segments.Length - 1).ToArray();
            return fixedSegments.Length == 0 ? "" : string.Join('/', fixedSegments) + "/";
        }
    }

    public bool Matches(string relativePath) => _matcher is null || _matcher.Match(relativePath).HasMatches;

    /// <summary>Why a glob is refused; null when it is usable.</summary>
    public static string? Check(string glob) =>
        glob.Length is 0 or > 1024 ? "must be 1-1024 characters"
        : glob.StartsWith('/') || glob.Split('/').Any(s => s is ".." or ".") ? "must be relative, without . or .. segments"
        : glob.Any(char.IsControl) ? "must not contain control characters"
        : null;
}
