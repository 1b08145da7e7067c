using System.Globalization;

namespace EdgeJobs.Hosting.CommandLine;

public static class Durations
{
    /// <summary><c>90</c> or <c>90s</c>, <c>30m</c>, <c>12h</c>, <c>7d</c>.</summary>
    public static TimeSpan Parse(string value)
    {
        if (value.Length == 0)
        {
            throw new UsageException("an empty value is not a duration; use e.g. 90s, 30m, 12h or 7d");
        }

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

    /// <summary>The shortest of <c>7d</c> (two days or more), <c>12h</c>, <c>30m</c>, <c>90s</c> that is exact, as <see cref="Parse"/> reads it.</summary>
    public static string Format(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerDay == 0 && value.TotalDays >= 2 ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalDays:0}d")
        : value.Ticks % TimeSpan.TicksPerHour == 0 && value > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalHours:0}h")
        : value.Ticks % TimeSpan.TicksPerMinute == 0 && value > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalMinutes:0}m")
        : string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.###}s");
}
