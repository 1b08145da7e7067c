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

    /// <summary>A whole line of GDAL's progress so far: "0", "0...10...2", "0...10...20...30...40...50...60...70...80...90...100 - done.".</summary>
    [GeneratedRegex(@"^0[.\d]*(?: - done\.?)?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex GdalLine();

    [GeneratedRegex(@"\d{1,3}", RegexOptions.CultureInvariant | RegexOptions.RightToLeft)]
    private static partial Regex LastNumber();

    /// <summary>A complete line, or the line so far (GDAL writes its progress dots without a newline).</summary>
    public void Text(string text)
    {
        var match = kind switch
        {
            ExecProgressKind.Gdal => GdalLine().IsMatch(text) ? LastNumber().Match(text) : null,
            ExecProgressKind.Regex => Safe(regex!, text),
            _ => null,
        };
        if (match is not { Success: true })
        {
            return;
        }

        var number = kind == ExecProgressKind.Gdal ? match.Value : match.Groups["percent"].Value;
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
