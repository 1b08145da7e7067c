using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Catalog.Exec;

/// <summary>How a program's output lines tell its progress.</summary>
public enum ExecProgressKind
{
    None,

    /// <summary>GDAL's terminal progress: <c>0...10...20...30</c> (on stdout or stderr, with or without newlines).</summary>
    Gdal,

    /// <summary>A regular expression whose <c>percent</c> group is a number 0-100, matched against each line.</summary>
    Regex,
}

/// <summary>
/// A checked manifest: everything <see cref="ExecManifestFile"/> holds, with its argv parsed, its schema within
/// the subset and its canonical text (what the agent advertises, the ledger stores, and two copies are compared by).
/// </summary>
public sealed partial class ExecManifest
{
    /// <summary>After SIGTERM, the process group's time before SIGKILL when the manifest does not say.</summary>
    public static readonly TimeSpan DefaultKillGrace = TimeSpan.FromSeconds(10);

    private ExecManifest(ExecManifestFile file, JsonElement schema, ArgvTemplate argv, string canonicalJson)
    {
        File = file;
        ParamsSchema = schema;
        Argv = argv;
        CanonicalJson = canonicalJson;
    }

    public ExecManifestFile File { get; }

    /// <summary>Where it was read from (a file path, or the agent that advertised it).</summary>
    public string Source { get; private init; } = "";

    public string Id => File.Id;

    public string Version => File.Version;

    public JsonElement ParamsSchema { get; }

    public ArgvTemplate Argv { get; }

    /// <summary>The manifest as compact JSON, members in the order written.</summary>
    public string CanonicalJson { get; }

    public string RequiredScope => File.Scope ?? Scopes.JobsWrite;

    /// <summary>Whether the program writes an output the agent provides (<c>{output}</c>), which becomes the artifact.</summary>
    public bool HasOutput => Argv.UsesOutput;

    public bool OutputIsDirectory => File.Outputs?.Type == "directory";

    /// <summary>A file output's allowed extensions, the first the default ("" when none are declared).</summary>
    public IReadOnlyList<string> Extensions => File.Outputs?.Extensions is { Length: > 0 } e ? e : [""];

    public ExecProgressKind ProgressKind { get; private init; }

    public Regex? ProgressRegex { get; private init; }

    public TimeSpan? Timeout => File.TimeoutS is { } s ? TimeSpan.FromSeconds(s) : null;

    public TimeSpan KillGrace => File.KillGraceS is { } s ? TimeSpan.FromSeconds(s) : DefaultKillGrace;

    public IReadOnlySet<int> RetryableExitCodes { get; private init; } = new HashSet<int>();

    [GeneratedRegex("^[a-z][a-z0-9-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdRule();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionRule();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvNameRule();

    [GeneratedRegex(@"missing required properties including: (.*)\.", RegexOptions.CultureInvariant)]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"The JSON property '([^']*)' could not be mapped", RegexOptions.CultureInvariant)]
    private static partial Regex UnknownMember();

    /// <summary>
    /// Reads and checks a manifest; <paramref name="source"/> names it in errors (a file path, or an agent and the tool
    /// it advertised), and <paramref name="reservedIds"/> are ids it must not take (the built-in tools').
    /// </summary>
    /// <exception cref="ExecManifestException">with the line of the problem when it has one.</exception>
    public static ExecManifest Parse(string text, string source, IReadOnlySet<string> reservedIds)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        ExecManifestFile? file;
        try
        {
            file = JsonSerializer.Deserialize(utf8, ExecManifestJsonContext.Default.ExecManifestFile);
        }
        catch (JsonException e)
        {
            throw new ExecManifestException(source, (int)(e.LineNumber ?? -1) + 1, Describe(e));
        }

        if (file is null)
        {
            throw new ExecManifestException(source, 1, "a manifest must be a JSON object");
        }

        ExecManifestException At(string reason, params string[] path) => new(source, JsonLines.LineOf(utf8, path), reason);

        if (!IdRule().IsMatch(file.Id))
        {
            throw At("id must be 1-64 lowercase letters, digits and '-', starting with a letter", "id");
        }

        if (reservedIds.Contains(file.Id))
        {
            throw At($"id '{file.Id}' is taken (a built-in tool's, or a job the coordinator runs itself)", "id");
        }

        if (!VersionRule().IsMatch(file.Version))
        {
            throw At("version must be 1-32 letters, digits, '.', '_' or '-'", "version");
        }

        if (file.Title.Trim().Length is 0 or > 200)
        {
            throw At("title must be 1-200 characters", "title");
        }

        if (file.Scope is { } scope && (!Scopes.IsKnown(scope) || scope == Scopes.Agent))
        {
            throw At($"scope '{scope}' is not a scope jobs can need (one of {Scopes.JobsWrite}, {Scopes.JobsAdmin}, {Scopes.DatasetsRead}, {Scopes.DatasetsWrite}, {Scopes.JobsRead})", "scope");
        }

        if (JsonSchemaSubset.CheckSchema(file.ParamsSchema) is { } problem)
        {
            throw At("params_schema: " + problem.Reason, ["params_schema", .. problem.Path]);
        }

        var properties = file.ParamsSchema.TryGetProperty("properties", out var p) ? p : default;
        (string Type, string? ItemType)? ParamType(string name) =>
            properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(name, out var schema)
                ? (schema.GetProperty("type").GetString()!, schema.TryGetProperty("items", out var items) ? items.GetProperty("type").GetString() : null)
                : null;
        var (argv, argvPath, argvProblem) = ArgvTemplate.Parse(file.Argv, ParamType);
        if (argv is null)
        {
            throw At("argv: " + argvProblem, [.. argvPath!]);
        }

        CheckOutputs(file, argv, ParamType, At);
        if (file.Env is { } env && env.Keys.FirstOrDefault(k => !EnvNameRule().IsMatch(k)) is { } badName)
        {
            throw At($"env: '{badName}' is not a variable name", "env", badName);
        }

        if (file.TimeoutS is { } timeout && !(timeout > 0 && timeout <= 30 * 86400))
        {
            throw At("timeout_s must be above 0 and at most 30 days", "timeout_s");
        }

        if (file.KillGraceS is { } grace && !(grace >= 0 && grace <= 600))
        {
            throw At("kill_grace_s must be 0-600", "kill_grace_s");
        }

        if (file.RetryableExitCodes is { } codes && codes.Any(c => c is < 1 or > 255))
        {
            throw At("retryable_exit_codes must be exit codes 1-255", "retryable_exit_codes");
        }

        var (kind, regex) = ParseProgress(file, At);
        using var document = JsonDocument.Parse(utf8);
        return new ExecManifest(file, file.ParamsSchema.Clone(), argv, document.RootElement.GetRawText().Length == 0 ? "" : Compact(document.RootElement))
        {
            Source = source,
            ProgressKind = kind,
            ProgressRegex = regex,
            RetryableExitCodes = (file.RetryableExitCodes ?? []).ToHashSet(),
        };
    }

    private static void CheckOutputs(ExecManifestFile file, ArgvTemplate argv, Func<string, (string Type, string? ItemType)?> paramType, Func<string, string[], ExecManifestException> at)
    {
        if (file.Outputs is not { } outputs)
        {
            return;
        }

        if (!argv.UsesOutput)
        {
            throw at("outputs are declared but argv has no {output}", ["outputs"]);
        }

        if (outputs.Type is not (null or "file" or "directory"))
        {
            throw at("outputs.type must be \"file\" or \"directory\"", ["outputs", "type"]);
        }

        if (outputs.Extensions is { } extensions && extensions.Any(e => e.Length is < 2 or > 16 || e[0] != '.' || e[1..].Any(c => !char.IsAsciiLetterOrDigit(c) && c != '.')))
        {
            throw at("outputs.extensions must be extensions such as \".gpkg\"", ["outputs", "extensions"]);
        }

        if (outputs.Param is { } param)
        {
            if (paramType(param) is not { Type: "string" })
            {
                throw at($"outputs.param '{param}' must name a string param of params_schema", ["outputs", "param"]);
            }

            if (outputs.Type == "directory")
            {
                throw at("outputs.param is for file outputs (a directory output is delivered as a ZIP artifact only)", ["outputs", "param"]);
            }
        }
    }

    private static (ExecProgressKind, Regex?) ParseProgress(ExecManifestFile file, Func<string, string[], ExecManifestException> at)
    {
        if (file.Progress is not { } progress || progress.ValueKind == JsonValueKind.Null)
        {
            return (ExecProgressKind.None, null);
        }

        if (progress.ValueKind == JsonValueKind.String && progress.GetString() == "gdal")
        {
            return (ExecProgressKind.Gdal, null);
        }

        if (progress.ValueKind == JsonValueKind.Object && progress.EnumerateObject().Count() == 1
            && progress.TryGetProperty("regex", out var pattern) && pattern.ValueKind == JsonValueKind.String)
        {
            Regex regex;
            try
            {
                regex = new Regex(pattern.GetString()!, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));
            }
            catch (ArgumentException e)
            {
                throw at("progress.regex is not a valid regular expression: " + e.Message, ["progress", "regex"]);
            }

            return regex.GetGroupNames().Contains("percent")
                ? (ExecProgressKind.Regex, regex)
                : throw at("progress.regex needs a group named percent: (?<percent>[0-9.]+)", ["progress", "regex"]);
        }

        throw at("progress must be \"gdal\" or {\"regex\": \"...(?<percent>...)...\"}", ["progress"]);
    }

    private static string Compact(JsonElement root)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            root.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>System.Text.Json's message without its type names, and its line left to the caller.</summary>
    private static string Describe(JsonException e)
    {
        if (MissingRequired().Match(e.Message) is { Success: true } missing)
        {
            return "missing required field " + missing.Groups[1].Value.Replace("'", "", StringComparison.Ordinal).Trim();
        }

        if (UnknownMember().Match(e.Message) is { Success: true } unknown)
        {
            return $"unknown field '{unknown.Groups[1].Value}' (a manifest has id, version, title, description, category, scope, params_schema, argv, env, outputs, artifact, progress, timeout_s, kill_grace_s, retryable_exit_codes)";
        }

        var cut = e.Message.IndexOf(" Path:", StringComparison.Ordinal);
        var message = cut > 0 ? e.Message[..cut] : e.Message;
        return e.Path is { Length: > 1 } path ? $"{message} (at {path})" : message;
    }

    /// <summary>The download name of the artifact for these canonical params: the manifest's name and the output's extension.</summary>
    public string ArtifactName(string extension) =>
        (File.Artifact ?? Id) + (OutputIsDirectory ? ".zip" : extension);

    /// <summary>Formats a number in the invariant culture (argv, logs).</summary>
    internal static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
