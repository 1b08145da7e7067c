using System.CommandLine;
using EdgeJobs.Hosting.CommandLine;

namespace EdgeJobs.Hosting.Tests.CommandLine;

/// <summary>Flags read the command line, then their environment variable, then the default; a bad value in either is a usage error naming its source.</summary>
[NotInParallel("environment")]
public sealed class FlagsTests
{
    [Test]
    public async Task the_command_line_wins_over_the_environment_which_wins_over_the_default()
    {
        var slots = Flags.Int("--test-slots", "N", "slots", 4, 1, 64);
        var command = new RootCommand { slots };
        using (Variable("EDGEJOBS_TEST_SLOTS", null))
        {
            await Assert.That(command.Parse([]).GetValue(slots)).IsEqualTo(4);
        }

        using (Variable("EDGEJOBS_TEST_SLOTS", "9"))
        {
            await Assert.That(command.Parse([]).GetValue(slots)).IsEqualTo(9);
            await Assert.That(command.Parse(["--test-slots", "12"]).GetValue(slots)).IsEqualTo(12);
            await Assert.That(command.Parse(["--test-slots=13"]).GetValue(slots)).IsEqualTo(13);
        }
    }

    [Test]
    public async Task a_bad_value_is_an_error_that_names_the_flag_or_the_variable()
    {
        var slots = Flags.Int("--test-slots", "N", "slots", 4, 1, 64);
        var command = new RootCommand { slots };
        var fromFlag = command.Parse(["--test-slots", "65"]);
        await Assert.That(fromFlag.Errors.Select(e => e.Message)).Contains("--test-slots must be an integer from 1 to 64, not '65'");
        using (Variable("EDGEJOBS_TEST_SLOTS", "many"))
        {
            var fromEnvironment = command.Parse([]);
            await Assert.That(fromEnvironment.Errors.Select(e => e.Message)).Contains("EDGEJOBS_TEST_SLOTS: --test-slots must be an integer from 1 to 64, not 'many'");
        }
    }

    [Test]
    public async Task switches_durations_and_choices_parse_as_users_write_them()
    {
        var wait = Flags.Switch("--test-wait", "wait");
        var ttl = Flags.Duration("--test-ttl", "ttl", TimeSpan.FromSeconds(30), positive: true);
        var format = Flags.OneOf("--test-format", "format", "text", "text", "json");
        var command = new RootCommand { wait, ttl, format };
        var parsed = command.Parse(["--test-wait", "--test-ttl", "12h", "--test-format", "json"]);
        await Assert.That(parsed.Errors).IsEmpty();
        await Assert.That(parsed.GetValue(wait)).IsTrue();
        await Assert.That(parsed.GetValue(ttl)).IsEqualTo(TimeSpan.FromHours(12));
        await Assert.That(parsed.GetValue(format)).IsEqualTo("json");
        using (Variable("EDGEJOBS_TEST_WAIT", "1"))
        {
            await Assert.That(command.Parse([]).GetValue(wait)).IsTrue();
        }

        using (Variable("EDGEJOBS_TEST_WAIT", "false"))
        {
            await Assert.That(command.Parse([]).GetValue(wait)).IsFalse();
        }

        await Assert.That(command.Parse(["--test-ttl", "0s"]).Errors.Select(e => e.Message)).Contains("--test-ttl must be above zero");
        await Assert.That(command.Parse(["--test-ttl", "3w"]).Errors.Select(e => e.Message)).Contains("--test-ttl: '3w' has an unknown unit; use s, m, h or d");
        await Assert.That(command.Parse(["--test-ttl", ""]).Errors).IsNotEmpty();
        await Assert.That(command.Parse(["--test-format", "xml"]).Errors.Select(e => e.Message)).Contains("--test-format must be text or json, not 'xml'");
    }

    [Test]
    public async Task a_required_flag_is_satisfied_by_its_variable()
    {
        var dataDir = Flags.RequiredText("--test-dir", "DIR", "dir");
        var command = new RootCommand { dataDir };
        using (Variable("EDGEJOBS_TEST_DIR", null))
        {
            await Assert.That(command.Parse([]).Errors.Select(e => e.Message)).Contains("--test-dir is required (or EDGEJOBS_TEST_DIR)");
        }

        using (Variable("EDGEJOBS_TEST_DIR", "/srv/x"))
        {
            var parsed = command.Parse([]);
            await Assert.That(parsed.Errors).IsEmpty();
            await Assert.That(parsed.GetValue(dataDir)).IsEqualTo("/srv/x");
        }
    }

    [Test]
    [Arguments("90s", 90.0)]
    [Arguments("30m", 1800.0)]
    [Arguments("24h", 86400.0)]
    [Arguments("7d", 604800.0)]
    [Arguments("0.25s", 0.25)]
    public async Task durations_print_as_they_parse(string text, double seconds)
    {
        await Assert.That(Durations.Parse(text)).IsEqualTo(TimeSpan.FromSeconds(seconds));
        await Assert.That(Durations.Format(TimeSpan.FromSeconds(seconds))).IsEqualTo(text);
    }

    private static Restore Variable(string name, string? value)
    {
        var before = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
        return new Restore(name, before);
    }

    private sealed class Restore(string name, string? before) : IDisposable
    {
        public void Dispose() => Environment.SetEnvironmentVariable(name, before);
    }
}
