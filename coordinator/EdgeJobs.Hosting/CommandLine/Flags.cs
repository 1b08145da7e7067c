using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace EdgeJobs.Hosting.CommandLine;

/// <summary>
/// The flags of both binaries, each defined once with its value name, description, default and
/// environment variable (<c>--data-dir</c> falls back to <c>EDGEJOBS_DATA_DIR</c>), so the parser, the
/// help and the environment cannot drift apart. A value given on the command line wins over the variable,
/// the variable over the default; a bad value in either is a usage error naming where it came from.
/// </summary>
public static class Flags
{
    /// <summary>Keeps "[env: X]" and "[default: X]" on one line of the help.</summary>
    internal const char NoBreak = '\u00a0';

    public static string EnvironmentName(string flag) =>
        "EDGEJOBS_" + flag.TrimStart('-').ToUpperInvariant().Replace('-', '_');

    public static Option<string?> Text(string name, string valueName, string description, string? fallback = null, string[]? aliases = null) =>
        Create(name, valueName, description, raw => raw, fallback, aliases: aliases);

    public static Option<string> RequiredText(string name, string valueName, string description)
    {
        var option = Create<string>(name, valueName, description, raw => raw, null!);
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is null)
            {
                result.AddError($"{name} is required (or {EnvironmentName(name)})");
            }
        });
        return option;
    }

    /// <param name="shownDefault">The default as help states it when the number itself depends on the machine ("one per core").</param>
    public static Option<int> Int(string name, string valueName, string description, int fallback, int min, int max, string? shownDefault = null) =>
        Create(name, valueName, description, raw => ParseInt(name, raw, min, max), fallback, shownDefault);

    /// <summary>An integer whose absence means "let the component choose" (its default is described, not fixed here).</summary>
    public static Option<int?> OptionalInt(string name, string valueName, string description, int min, int max) =>
        Create<int?>(name, valueName, description, raw => ParseInt(name, raw, min, max), null);

    public static Option<long> PositiveLong(string name, string valueName, string description, long fallback, string? shownDefault = null) =>
        Create(name, valueName, description, raw =>
            long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 1
                ? value
                : throw new UsageException($"{name} must be a positive integer, not '{raw}'"), fallback, shownDefault);

    public static Option<double?> Number(string name, string valueName, string description) =>
        Create<double?>(name, valueName, description, raw =>
            double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? value
                : throw new UsageException($"{name} must be a number, not '{raw}'"), null);

    /// <summary>A duration (<c>90s</c>, <c>30m</c>, <c>12h</c>, <c>7d</c>); <paramref name="positive"/> refuses zero.</summary>
    public static Option<TimeSpan> Duration(string name, string description, TimeSpan fallback, bool positive = false) =>
        Create(name, "D", description, raw =>
        {
            var value = ParseDuration(name, raw);
            return positive && value <= TimeSpan.Zero ? throw new UsageException($"{name} must be above zero") : value;
        }, fallback);

    public static Option<TimeSpan?> OptionalDuration(string name, string description) =>
        Create<TimeSpan?>(name, "DURATION", description, raw => ParseDuration(name, raw), null);

    /// <summary>One of a fixed set of words, completed by the shell.</summary>
    public static Option<string> OneOf(string name, string description, string fallback, params string[] allowed)
    {
        var option = Create(name, string.Join('|', allowed), description, raw =>
            allowed.Contains(raw, StringComparer.Ordinal)
                ? raw
                : throw new UsageException($"{name} must be {string.Join(" or ", allowed)}, not '{raw}'"), fallback);
        option.CompletionSources.Add(allowed);
        return option;
    }

    /// <summary>A flag without a value; <c>EDGEJOBS_X=1</c> or <c>true</c> turns it on.</summary>
    public static Option<bool> Switch(string name, string description, params string[] aliases)
    {
        var option = new Option<bool>(name, aliases)
        {
            Description = description + $" [env:{NoBreak}{EnvironmentName(name)}]",
            Arity = ArgumentArity.Zero,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(EnvironmentName(name)) is { Length: > 0 } env
                && !env.Equals("false", StringComparison.OrdinalIgnoreCase) && env != "0",
        };
        return option;
    }

    /// <summary>A flag that may be given many times (<c>--param a=1 --param b=2</c>); no environment variable.</summary>
    public static Option<string[]> Repeated(string name, string valueName, string description) =>
        new(name)
        {
            Description = description,
            HelpName = valueName,
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
            DefaultValueFactory = _ => [],
        };

    /// <summary>
    /// An option of <typeparamref name="T"/> read by <paramref name="parse"/> from the command line or the
    /// environment variable; <paramref name="parse"/> throws <see cref="UsageException"/> with the message
    /// the user sees.
    /// </summary>
    public static Option<T> Create<T>(string name, string valueName, string description, Func<string, T> parse, T fallback, string? shownDefault = null, string[]? aliases = null)
    {
        var variable = EnvironmentName(name);
        shownDefault ??= Show(fallback);
        return new Option<T>(name, aliases ?? [])
        {
            Description = $"{description}{(shownDefault is null ? "" : $" [default:{NoBreak}{shownDefault.Replace(' ', NoBreak)}]")} [env:{NoBreak}{variable}]",
            HelpName = valueName,
            Arity = ArgumentArity.ExactlyOne,
            CustomParser = result => Parse(result, parse, result.Tokens.Count > 0 ? result.Tokens[^1].Value : "", null),
            DefaultValueFactory = result => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } env
                ? Parse(result, parse, env, variable)
                : fallback,
        };
    }

    private static string? Show<T>(T value) => value switch
    {
        null => null,
        TimeSpan span => Durations.Format(span),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    private static T Parse<T>(ArgumentResult result, Func<string, T> parse, string raw, string? variable)
    {
        try
        {
            return parse(raw);
        }
        catch (UsageException e)
        {
            result.AddError(variable is null ? e.Message : $"{variable}: {e.Message}");
            return default!;
        }
    }

    private static int ParseInt(string name, string raw, int min, int max) =>
        int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException($"{name} must be an integer from {min} to {max}, not '{raw}'");

    private static TimeSpan ParseDuration(string name, string raw)
    {
        try
        {
            return Durations.Parse(raw);
        }
        catch (UsageException e)
        {
            throw new UsageException($"{name}: {e.Message}");
        }
    }
}
