using System.Globalization;

namespace EdgeJobs.Hosting.CommandLine;

public static class Durations
{
    /// <summary><c>90</c> or <c>90s</c>, <c>30m</c>, <c>12h</c>, <c>7d</c>.</summary>
    public static TimeSpan Parse(string value)
    {
        var unit = char.IsAsciiLetter(value[^1]) ? value[^1] : 's';
        var number = char.IsAsciiLetter(value[^1]) ? value[..^1] : value;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount < 0 || !double.IsFinite(amount))
        {
            throw new UsageException($"'{value}' is not a duration; use e.g. 90s, 30m, 12h or 7d");
        }

        return unit switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            'd' => TimeSpan.FromDays(amount),
            _ => throw new UsageException($"'{value}' has an unknown unit; use s, m, h or d"),
        };
    }
}
