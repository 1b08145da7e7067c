using System.CommandLine;
using System.CommandLine.Invocation;

namespace EdgeJobs.Hosting.CommandLine;

/// <summary>
/// Runs a binary's command tree with the exit codes users have: the command's own, 2 for bad usage
/// (a parse error or a <see cref="UsageException"/>, printed with the <c>--help</c> to read), 1 (or the
/// code it carries) for a <see cref="CommandFailedException"/>. Help is <see cref="HelpText"/>'s and
/// shell completion is System.CommandLine's <c>[suggest]</c> directive (see <see cref="CompletionCommand"/>).
/// </summary>
public static class CommandLineApp
{
    /// <param name="program">The binary's name as users type it (the root command's own name is the running file's).</param>
    /// <param name="version">What <c>--version</c> prints after the program's name.</param>
    public static async Task<int> RunAsync(RootCommand root, string program, string version, IReadOnlyList<string> args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        HelpText.Install(root, program, version);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is ParseErrorAction or null)
        {
            foreach (var problem in parsed.Errors.Select(e => e.Message).Distinct())
            {
                await error.WriteLineAsync($"{CommandPath(parsed.CommandResult.Command)}: {problem}").ConfigureAwait(false);
            }

            await error.WriteLineAsync($"see: {CommandPath(parsed.CommandResult.Command)} --help").ConfigureAwait(false);
            return 2;
        }

        try
        {
            // No ProcessTerminationTimeout: the servers drain on SIGTERM/Ctrl+C themselves and must not be
            // cut short two seconds in; a client verb ends as any process does.
            var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null, Output = output, Error = error };
            return await parsed.InvokeAsync(configuration).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync($"{CommandPath(parsed.CommandResult.Command)}: {e.Message}").ConfigureAwait(false);
            await error.WriteLineAsync($"see: {CommandPath(parsed.CommandResult.Command)} --help").ConfigureAwait(false);
            return 2;
        }
        catch (CommandFailedException e)
        {
            await error.WriteLineAsync($"{CommandPath(parsed.CommandResult.Command)}: {e.Message}").ConfigureAwait(false);
            return e.ExitCode;
        }
    }

    /// <summary>"edgejobs jobs ls": the words that select <paramref name="command"/>.</summary>
    public static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? symbol = command; symbol is Command c; symbol = c.Parents.FirstOrDefault())
        {
            names.Add(c is RootCommand root ? HelpText.ProgramName(root) : c.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
