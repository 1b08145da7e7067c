using System.CommandLine;

namespace EdgeJobs.Hosting.CommandLine;

/// <summary>
/// <c>PROGRAM completion bash</c>: prints a completion script that asks the binary itself what may
/// come next, through System.CommandLine's <c>[suggest:POSITION]</c> directive, so completions are
/// the command tree's and never a second copy of it. zsh uses the same script after
/// <c>autoload -U bashcompinit &amp;&amp; bashcompinit</c>.
/// </summary>
public static class CompletionCommand
{
    public static Command Create(string program)
    {
        var shell = new Argument<string>("SHELL") { Description = "the shell: bash (zsh reads it through bashcompinit)" };
        shell.AcceptOnlyFromAmong("bash");
        var command = new Command("completion", "print a shell completion script")
        {
            shell,
        };
        command.WithNotes($"""
            Install for your user:
              {program} completion bash > ~/.local/share/bash-completion/completions/{program}
            or for this shell only:
              source <({program} completion bash)
            """);
        command.SetAction(result =>
        {
            result.InvocationConfiguration.Output.Write(BashScript(program));
            return 0;
        });
        return command;
    }

    public static string BashScript(string program)
    {
        var function = "_" + program.Replace('-', '_') + "_complete";
        return $$"""
            # bash completion for {{program}}: the binary answers through its [suggest] directive.
            {{function}}() {
                local IFS=$'\n'
                COMPREPLY=( $(compgen -W "$("${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
            }
            complete -o default -F {{function}} {{program}}

            """;
    }
}
