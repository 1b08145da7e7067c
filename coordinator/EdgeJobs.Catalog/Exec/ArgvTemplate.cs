using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EdgeJobs.Catalog.Exec;

/// <summary>
/// A manifest's argv: literal strings with placeholders — <c>{name}</c> a param's value, <c>{name:path}</c> an input
/// path param resolved on the node, <c>{output}</c> the output the agent provides; <c>{{</c> and <c>}}</c> are literal
/// braces. An item naming a param without a value is left out; so is a whole group (an argv item that is an array of
/// strings, e.g. <c>["-a", "{attribute}"]</c>) when any param it names has none. A whole-item placeholder of an array
/// param becomes one argument per element; inside other text its elements are joined with commas. Rendering makes
/// a list of arguments for execve: no shell ever sees them, so a value is always exactly one argument (or, for an
/// array, one per element) whatever characters it holds.
/// </summary>
public sealed partial class ArgvTemplate
{
    /// <summary>The param name the agent's own output takes.</summary>
    public const string Output = "output";

    private ArgvTemplate(IReadOnlyList<Group> groups) => Groups = groups;

    /// <summary>One piece of an argument: a literal, or a placeholder.</summary>
    public sealed record Part(string? Literal, string? Param, bool IsPath)
    {
        public bool IsOutput => Param is null && Literal is null;
    }

    /// <summary>One argument, made of parts.</summary>
    public sealed record Item(IReadOnlyList<Part> Parts)
    {
        public bool IsWholePlaceholder => Parts.Count == 1 && Parts[0].Literal is null;
    }

    /// <summary>Arguments kept or left out together.</summary>
    public sealed record Group(IReadOnlyList<Item> Items);

    public IReadOnlyList<Group> Groups { get; }

    /// <summary>The program (the first item, a literal).</summary>
    public string Program => Groups[0].Items[0].Parts[0].Literal!;

    public bool UsesOutput => Groups.SelectMany(g => g.Items).SelectMany(i => i.Parts).Any(p => p.IsOutput);

    /// <summary>Params named with <c>:path</c>.</summary>
    public IEnumerable<string> PathParams => Groups.SelectMany(g => g.Items).SelectMany(i => i.Parts).Where(p => p.IsPath).Select(p => p.Param!).Distinct(StringComparer.Ordinal);

    [GeneratedRegex(@"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)(:path)?\}|[{}]", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    /// <summary>
    /// Parses a manifest's argv; <paramref name="paramType"/> gives a declared param's schema type (null: no such
    /// param). A problem comes back with the argv path of the offending item (<c>["argv", "2"]</c>).
    /// </summary>
    public static (ArgvTemplate? Template, IReadOnlyList<string>? ProblemPath, string? Problem) Parse(JsonElement[] argv, Func<string, (string Type, string? ItemType)?> paramType)
    {
        if (argv.Length == 0)
        {
            return (null, ["argv"], "must name the program to run");
        }

        var groups = new List<Group>(argv.Length);
        for (var i = 0; i < argv.Length; i++)
        {
            var index = i.ToString(CultureInfo.InvariantCulture);
            if (argv[i].ValueKind == JsonValueKind.String)
            {
                var (item, problem) = ParseItem(argv[i].GetString()!, paramType);
                if (problem is not null)
                {
                    return (null, ["argv", index], problem);
                }

                groups.Add(new Group([item!]));
            }
            else if (argv[i].ValueKind == JsonValueKind.Array && i > 0 && argv[i].GetArrayLength() > 0)
            {
                var items = new List<Item>();
                var j = 0;
                foreach (var element in argv[i].EnumerateArray())
                {
                    var (item, problem) = element.ValueKind == JsonValueKind.String ? ParseItem(element.GetString()!, paramType) : (null, "must be a string");
                    if (problem is not null)
                    {
                        return (null, ["argv", index, j.ToString(CultureInfo.InvariantCulture)], problem);
                    }

                    items.Add(item!);
                    j++;
                }

                groups.Add(new Group(items));
            }
            else
            {
                return (null, ["argv", index], i == 0 ? "the program must be a literal string" : "must be a string or a non-empty array of strings");
            }
        }

        var first = groups[0].Items[0];
        if (first.Parts.Count != 1 || first.Parts[0].Literal is not { Length: > 0 })
        {
            return (null, ["argv", "0"], "the program must be a literal string, without placeholders");
        }

        return (new ArgvTemplate(groups), null, null);
    }

    private static (Item? Item, string? Problem) ParseItem(string text, Func<string, (string Type, string? ItemType)?> paramType)
    {
        var parts = new List<Part>();
        var literal = new StringBuilder();
        var at = 0;
        foreach (Match m in Placeholder().Matches(text))
        {
            literal.Append(text, at, m.Index - at);
            at = m.Index + m.Length;
            switch (m.Value)
            {
                case "{{":
                    literal.Append('{');
                    continue;
                case "}}":
                    literal.Append('}');
                    continue;
                case "{" or "}":
                    return (null, $"'{text}' has an unmatched '{m.Value}' (a literal brace is written twice; a placeholder is {{name}}, {{name:path}} or {{output}})");
            }

            if (literal.Length > 0)
            {
                parts.Add(new Part(literal.ToString(), null, false));
                literal.Clear();
            }

            var name = m.Groups[1].Value;
            var isPath = m.Groups[2].Success;
            if (name == Output && !isPath)
            {
                parts.Add(new Part(null, null, false));
                continue;
            }

            if (paramType(name) is not { } type)
            {
                return (null, $"'{{{name}{(isPath ? ":path" : "")}}}' names no param of params_schema");
            }

            if (isPath && type.Type != "string" && !(type.Type == "array" && type.ItemType == "string"))
            {
                return (null, $"'{{{name}:path}}' needs a string param (or an array of strings), not {type.Type}");
            }

            parts.Add(new Part(null, name, isPath));
        }

        literal.Append(text, at, text.Length - at);
        if (literal.Length > 0 || parts.Count == 0)
        {
            parts.Add(new Part(literal.ToString(), null, false));
        }

        return (new Item(parts), null);
    }

    /// <summary>Every param value named with <c>:path</c>, with its JSON path: what a job reads.</summary>
    public IEnumerable<(string JsonPath, string RelativePath)> InputPaths(JsonElement parameters)
    {
        foreach (var name in PathParams)
        {
            if (!parameters.TryGetProperty(name, out var value))
            {
                continue;
            }

            if (value.ValueKind == JsonValueKind.String)
            {
                yield return ("$.params." + name, value.GetString()!);
            }
            else if (value.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var element in value.EnumerateArray())
                {
                    yield return ($"$.params.{name}[{i++}]", element.GetString()!);
                }
            }
        }
    }

    /// <summary>
    /// The arguments for canonical params: <paramref name="resolvePath"/> turns a <c>:path</c> value (with its JSON path)
    /// into what the program reads; <paramref name="output"/> is <c>{output}</c>.
    /// </summary>
    public List<string> Render(JsonElement parameters, Func<string, string, string> resolvePath, string? output)
    {
        var args = new List<string>();
        foreach (var group in Groups)
        {
            if (!group.Items.SelectMany(i => i.Parts).All(p => p.Param is null || HasValue(parameters, p.Param)))
            {
                continue;
            }

            foreach (var item in group.Items)
            {
                if (item.IsWholePlaceholder && item.Parts[0] is { Param: { } name } whole && parameters.GetProperty(name).ValueKind == JsonValueKind.Array)
                {
                    var i = 0;
                    foreach (var element in parameters.GetProperty(name).EnumerateArray())
                    {
                        args.Add(whole.IsPath ? resolvePath($"$.params.{name}[{i}]", element.GetString()!) : Text(element));
                        i++;
                    }

                    continue;
                }

                var text = new StringBuilder();
                foreach (var part in item.Parts)
                {
                    if (part.Literal is { } literal)
                    {
                        text.Append(literal);
                    }
                    else if (part.IsOutput)
                    {
                        text.Append(output ?? throw new InvalidOperationException("{output} without an output path"));
                    }
                    else
                    {
                        var value = parameters.GetProperty(part.Param!);
                        if (value.ValueKind == JsonValueKind.Array)
                        {
                            var i = 0;
                            text.AppendJoin(',', value.EnumerateArray().Select(e => part.IsPath ? resolvePath($"$.params.{part.Param}[{i++}]", e.GetString()!) : Text(e)));
                        }
                        else
                        {
                            text.Append(part.IsPath ? resolvePath("$.params." + part.Param, value.GetString()!) : Text(value));
                        }
                    }
                }

                args.Add(text.ToString());
            }
        }

        return args;
    }

    private static bool HasValue(JsonElement parameters, string name) =>
        parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };
}
