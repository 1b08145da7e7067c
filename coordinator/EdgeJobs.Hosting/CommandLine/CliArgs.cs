using System.Globalization;

namespace EdgeJobs.Hosting.CommandLine;

/// <summary>
/// The command line of both binaries (README "Running the coordinator" and "More machines"), after the verb: <c>--flag value</c>, <c>--flag=value</c>, boolean switches, repeated
/// flags, and positionals. Every flag falls back to its <c>EDGEJOBS_*</c> environment variable
/// (<c>--data-dir</c> → <c>EDGEJOBS_DATA_DIR</c>).
/// </summary>
public sealed class CliArgs
{
    private readonly Dictionary<string, List<string>> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private CliArgs(List<string> positionals) => Positionals = positionals;

    public List<string> Positionals { get; }

    /// <param name="switches">Flags that take no value.</param>
    public static CliArgs Parse(IEnumerable<string> args, params string[] switches)
    {
        var result = new CliArgs([]);
        using var e = args.GetEnumerator();
        var onlyPositionals = false;
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (onlyPositionals || !arg.StartsWith('-') || arg == "-")
            {
                result.Positionals.Add(arg);
                continue;
            }

            if (arg == "--")
            {
                onlyPositionals = true;
                continue;
            }

            var name = arg.TrimStart('-');
            string? value = null;
            var eq = name.IndexOf('=');
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (switches.Contains(name))
            {
                value = "true";
            }
            else if (e.MoveNext())
            {
                value = e.Current;
            }
            else
            {
                throw new UsageException($"--{name} needs a value");
            }

            if (!result._flags.TryGetValue(name, out var list))
            {
                result._flags[name] = list = [];
            }

            list.Add(value);
        }

        return result;
    }

    public string? Get(string name)
    {
        _used.Add(name);
        if (_flags.TryGetValue(name, out var values))
        {
            return values[^1];
        }

        var env = Environment.GetEnvironmentVariable("EDGEJOBS_" + name.ToUpperInvariant().Replace('-', '_'));
        return string.IsNullOrEmpty(env) ? null : env;
    }

    public IReadOnlyList<string> GetAll(string name)
    {
        _used.Add(name);
        return _flags.TryGetValue(name, out var values) ? values : [];
    }

    public bool Has(string name) => Get(name) is { } v && !v.Equals("false", StringComparison.OrdinalIgnoreCase) && v != "0";

    public int GetInt(string name, int fallback, int min, int max)
    {
        var raw = Get(name);
        if (raw is null)
        {
            return fallback;
        }

        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException($"--{name} must be an integer from {min} to {max}, not '{raw}'");
    }

    public long GetLong(string name, long fallback)
    {
        var raw = Get(name);
        if (raw is null)
        {
            return fallback;
        }

        return long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 1
            ? value
            : throw new UsageException($"--{name} must be a positive integer, not '{raw}'");
    }

    public bool WantsHelp => _flags.ContainsKey("help") || _flags.ContainsKey("h") || Positionals.Contains("help");

    /// <summary>Refuses flags the verb does not know, so a typo is an error instead of a silent default.</summary>
    public void RejectUnknown()
    {
        var unknown = _flags.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"unknown flag{(unknown.Count > 1 ? "s" : "")}: {string.Join(", ", unknown.Select(u => "--" + u))}");
        }
    }
}

/// <summary>Bad command-line use: printed with a hint, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
