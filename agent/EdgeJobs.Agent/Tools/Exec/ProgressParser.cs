using System.Globalization;
using System.Text.RegularExpressions;
using EdgeJobs.Catalog.Exec;

namespace EdgeJobs.Agent.Tools.Exec;

/// <summary>
/// Reads progress from a program's output as it comes: GDAL's terminal progress (<c>0...10...20...</c>, written
/// without newlines until <c>100 - done.</c>, so it is read from the unfinished line too), or the manifest's
/// regular expression's <c>percent</c> group, matched against each line.
/// </summary>
internal sealed partial class ProgressParser(ExecProgressKind kind, Regex? regex, Action<double> report)
{
    private double _last = -1;

    [GeneratedRegex(@"(\d{1,3})(?:\.\.\.| - done)", RegexOptions.CultureInvariant | RegexOptions.RightToLeft)]
    private static partial Regex GdalStep();

    /// <summary>A complete line, or the line so far (GDAL writes its progress dots without a newline).</summary>
    public void Text(string text)
    {
        var match = kind switch
        {
            ExecProgressKind.Gdal => GdalStep().Match(text),
            ExecProgressKind.Regex => Safe(regex!, text),
            _ => null,
        };
        if (match is not { Success: true })
        {
            return;
        }

        var number = kind == ExecProgressKind.Gdal ? match.Groups[1].Value : match.Groups["percent"].Value;
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) && percent is >= 0 and <= 100 && percent != _last)
        {
            _last = percent;
            report(percent);
        }
    }

    private static Match? Safe(Regex regex, string text)
    {
        try
        {
            return regex.Match(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }
}
