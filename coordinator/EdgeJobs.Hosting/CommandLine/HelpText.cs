using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;
using System.Text;

namespace EdgeJobs.Hosting.CommandLine;

/// <summary>
/// <c>--help</c> for every command, written from the command tree itself (so a flag cannot be parsed
/// without being listed): a <c>usage:</c> line, the description, the arguments, commands and options
/// with their value names, defaults and environment variables, then the command's notes (states,
/// exit codes, examples) given with <see cref="WithNotes{T}"/>.
/// </summary>
public static class HelpText
{
    private static readonly ConditionalWeakTable<Command, string> s_notes = [];
    private static readonly ConditionalWeakTable<RootCommand, string> s_programs = [];

    /// <summary>Text printed after the options of <paramref name="command"/>'s help.</summary>
    public static T WithNotes<T>(this T command, string notes) where T : Command
    {
        s_notes.AddOrUpdate(command, notes);
        return command;
    }

    public static string ProgramName(RootCommand root) => s_programs.TryGetValue(root, out var name) ? name : root.Name;

    internal static void Install(RootCommand root, string program, string version)
    {
        s_programs.AddOrUpdate(root, program);
        foreach (var help in root.Options.OfType<HelpOption>())
        {
            help.Description = "show this help";
            help.Action = new WriteHelp();
        }

        foreach (var option in root.Options.OfType<VersionOption>())
        {
            option.Description = "print the version";
            option.Action = new WriteVersion($"{program} {version}");
        }
    }

    public static string For(Command command)
    {
        var text = new StringBuilder();
        var path = CommandLineApp.CommandPath(command);
        var visibleOptions = AllOptions(command).Where(o => !o.Hidden).ToList();
        var subcommands = command.Subcommands.Where(c => !c.Hidden).ToList();
        var usage = new StringBuilder("usage: ").Append(path);
        if (subcommands.Count > 0)
        {
            // A command that does something itself (nodes: list; the agent: run) takes its subcommand optionally.
            var acts = command.Action is not null && command.Options.Any(o => o is not (HelpOption or VersionOption));
            usage.Append(acts ? " [COMMAND]" : " COMMAND");
        }

        foreach (var argument in command.Arguments.Where(a => !a.Hidden))
        {
            var label = ArgumentLabel(argument);
            usage.Append(' ').Append(argument.Arity.MinimumNumberOfValues == 0 ? $"[{label}]" : label);
        }

        if (visibleOptions.Count > 0)
        {
            usage.Append(" [options]");
        }

        text.AppendLine(usage.ToString());
        if (!string.IsNullOrEmpty(command.Description))
        {
            text.AppendLine().AppendLine(command.Description);
        }

        Section(text, "arguments:", command.Arguments.Where(a => !a.Hidden).Select(a => (ArgumentLabel(a), a.Description ?? "")));
        Section(text, "commands:", subcommands.Select(c => (string.Join(", ", new[] { c.Name }.Concat(c.Aliases)) + ArgumentsOf(c), c.Description ?? "")));
        Section(text, "options:", visibleOptions.Select(o => (OptionLabel(o), o.Description ?? "")));
        if (s_notes.TryGetValue(command, out var notes))
        {
            text.AppendLine().AppendLine(notes.TrimEnd());
        }

        return text.ToString();
    }

    /// <summary>The command's own options and those its ancestors pass down (<c>--help</c>).</summary>
    private static IEnumerable<Option> AllOptions(Command command)
    {
        var own = command.Options.ToList();
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
        {
            own.AddRange(parent.Options.Where(o => o.Recursive && !own.Contains(o)));
        }

        // Help and version last: the command's own flags are what a reader looks for.
        return own.OrderBy(o => o is HelpOption or VersionOption ? 1 : 0);
    }

    private static string ArgumentsOf(Command command) =>
        string.Concat(command.Arguments.Where(a => !a.Hidden).Select(a => a.Arity.MinimumNumberOfValues == 0 ? $" [{ArgumentLabel(a)}]" : " " + ArgumentLabel(a)));

    private static string ArgumentLabel(Argument argument) => argument.HelpName ?? argument.Name.ToUpperInvariant();

    private static string OptionLabel(Option option)
    {
        // Short POSIX aliases only (-h, -f, -o); the DOS-style ones System.CommandLine adds to --help stay usable but unlisted.
        var names = string.Join(", ", option.Aliases.Where(a => a.Length == 2 && a[0] == '-' && a != "-?").Concat([option.Name]));
        return option.Arity.MaximumNumberOfValues == 0 ? names : $"{names} {option.HelpName ?? "VALUE"}";
    }

    private static void Section(StringBuilder text, string title, IEnumerable<(string Left, string Right)> rows)
    {
        var list = rows.ToList();
        if (list.Count == 0)
        {
            return;
        }

        text.AppendLine().AppendLine(title);
        var width = Math.Min(list.Max(r => r.Left.Length), 30) + 2;
        foreach (var (left, right) in list)
        {
            var lines = Wrap(right, Math.Max(30, 100 - width - 2));
            if (left.Length + 2 > width)
            {
                text.Append("  ").AppendLine(left);
                text.Append(' ', width + 2).AppendLine(lines[0]);
            }
            else
            {
                text.Append("  ").Append(left.PadRight(width)).AppendLine(lines[0]);
            }

            foreach (var more in lines.Skip(1))
            {
                text.Append(' ', width + 2).AppendLine(more);
            }
        }
    }

    private static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Split('\n'))
        {
            var line = new StringBuilder();
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.Length > 0 && line.Length + 1 + word.Length > width)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                }

                line.Append(line.Length > 0 ? " " : "").Append(word);
            }

            lines.Add(line.ToString());
        }

        return lines.ConvertAll(l => l.Replace(Flags.NoBreak, ' '));
    }

    private sealed class WriteVersion(string line) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(line);
            return 0;
        }
    }

    /// <summary>Writes <see cref="For"/> of the command the user asked about to standard output (exit 0).</summary>
    private sealed class WriteHelp : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.Write(For(parseResult.CommandResult.Command));
            return 0;
        }
    }
}
