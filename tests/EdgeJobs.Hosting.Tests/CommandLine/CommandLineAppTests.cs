using System.CommandLine;
using EdgeJobs.Hosting.CommandLine;

namespace EdgeJobs.Hosting.Tests.CommandLine;

/// <summary>Exit codes, help and completion as users meet them, through <see cref="CommandLineApp"/>.</summary>
public sealed class CommandLineAppTests
{
    private static RootCommand Sample(Func<ParseResult, int> action)
    {
        var verb = new Command("run", "runs it")
        {
            Flags.Int("--count", "N", "how many", 1, 1, 10),
            Flags.Switch("--follow", "keep going", "-f"),
            Flags.OneOf("--mode", "how", "fast", "fast", "slow"),
        };
        verb.WithNotes("Exit codes: 0 ran.");
        verb.SetAction(action);
        return new RootCommand("a sample") { verb, CompletionCommand.Create("sample") };
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(RootCommand root, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommandLineApp.RunAsync(root, "sample", "1.2.3", args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Test]
    public async Task bad_usage_exits_2_naming_the_problem_and_the_help_to_read()
    {
        var ran = false;
        var (exit, _, err) = await RunAsync(Sample(_ => { ran = true; return 0; }), "run", "--cuont", "3");
        await Assert.That(exit).IsEqualTo(2);
        await Assert.That(ran).IsFalse();
        await Assert.That(err).Contains("--cuont");
        await Assert.That(err).Contains("see: sample run --help");
    }

    [Test]
    public async Task a_usage_exception_from_the_action_exits_2_and_a_failure_exits_with_its_code()
    {
        var usage = await RunAsync(Sample(_ => throw new UsageException("--count and --mode slow do not go together")), "run");
        await Assert.That(usage.Exit).IsEqualTo(2);
        await Assert.That(usage.Err).Contains("sample run: --count and --mode slow do not go together");
        var failed = await RunAsync(Sample(_ => throw new CommandFailedException("refused", 3)), "run");
        await Assert.That(failed.Exit).IsEqualTo(3);
        await Assert.That(failed.Err).IsEqualTo("sample run: refused" + Environment.NewLine);
    }

    [Test]
    public async Task help_lists_every_option_with_its_value_default_and_variable_then_the_notes()
    {
        var root = Sample(_ => 0);
        var (exit, help, _) = await RunAsync(root, "run", "--help");
        await Assert.That(exit).IsEqualTo(0);
        await Assert.That(help).StartsWith("usage: sample run [options]");
        await Assert.That(help).Contains("--count N");
        await Assert.That(help).Contains("[default: 1] [env: EDGEJOBS_COUNT]");
        await Assert.That(help).Contains("-f, --follow");
        await Assert.That(help).Contains("--mode fast|slow");
        await Assert.That(help).Contains("-h, --help");
        await Assert.That(help).DoesNotContain("/?");
        await Assert.That(help.TrimEnd()).EndsWith("Exit codes: 0 ran.");

        // Every option of every command shows up in its help: the parser and the help cannot drift.
        foreach (var command in root.Subcommands)
        {
            var text = HelpText.For(command);
            foreach (var option in command.Options)
            {
                await Assert.That(text).Contains(option.Name);
            }
        }
    }

    [Test]
    public async Task version_prints_the_program_and_its_version()
    {
        var (exit, output, _) = await RunAsync(Sample(_ => 0), "--version");
        await Assert.That(exit).IsEqualTo(0);
        await Assert.That(output.Trim()).IsEqualTo("sample 1.2.3");
    }

    [Test]
    public async Task the_completion_script_asks_the_binary_and_the_binary_answers_from_the_tree()
    {
        var root = Sample(_ => 0);
        var (exit, script, _) = await RunAsync(root, "completion", "bash");
        await Assert.That(exit).IsEqualTo(0);
        await Assert.That(script).Contains("[suggest:${COMP_POINT}]");
        await Assert.That(script).Contains("complete -o default -F _sample_complete sample");

        var (_, words, _) = await RunAsync(root, "[suggest:14]", "sample run --m");
        await Assert.That(words.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).IsEquivalentTo(["--mode"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        var (_, modes, _) = await RunAsync(root, "[suggest:18]", "sample run --mode ");
        await Assert.That(modes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).IsEquivalentTo(["fast", "slow"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }
}
