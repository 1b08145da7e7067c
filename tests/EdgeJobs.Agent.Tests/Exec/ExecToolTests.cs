using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using EdgeJobs.Agent.Tools;
using EdgeJobs.Agent.Tools.Exec;
using EdgeJobs.Catalog.Exec;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests.Exec;

/// <summary>
/// Exec tools running real programs (sh, printf, sleep, yes): argv never meets a shell, stops and timeouts leave no
/// process behind, output is bounded and never stalls the program, exit codes map to outcomes.
/// </summary>
public class ExecToolTests
{
    private const string AnyParams = """{"type":"object","properties":{"value":{"type":"string"}}}""";

    internal static ExecManifest Manifest(string argv, string extra = "", string schema = AnyParams) =>
        ExecManifest.Parse($$"""{"id":"test","version":"1","title":"Test","params_schema":{{schema}},"argv":{{argv}}{{extra}}}""", "test.json", ToolCatalog.BuiltIn.BuiltInIds);

    /// <summary>One attempt of an exec tool, with its log lines and progress as they come.</summary>
    private sealed class Attempt : IDisposable
    {
        private readonly TempDir _dir = new();

        public Attempt(ExecManifest manifest, string paramsJson = "{}")
        {
            Context = new ToolContext(1, 1, paramsJson, _dir.File("work"), _dir.File("data"), (p, _) => Progress.Add(p), Lines.Enqueue, Stop.Token);
            Directory.CreateDirectory(_dir.File("data"));
            Run = Task.Run(() => new ExecAgentTool(manifest).RunAsync(Context));
        }

        public ConcurrentQueue<string> Lines { get; } = new();

        public ConcurrentBag<double> Progress { get; } = [];

        public CancellationTokenSource Stop { get; } = new();

        public ToolContext Context { get; }

        public Task Run { get; }

        /// <summary>Waits for a log line starting with <paramref name="prefix"/> and returns the rest of it.</summary>
        public async Task<string> LineAsync(string prefix)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                if (Lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } line)
                {
                    return line[prefix.Length..];
                }

                if (Run.IsCompleted)
                {
                    break;
                }

                await Task.Delay(10);
            }

            throw new TimeoutException($"no line '{prefix}…'; got: {string.Join(" / ", Lines)}");
        }

        public async Task<Exception?> EndAsync()
        {
            try
            {
                await Run.WaitAsync(TimeSpan.FromSeconds(120));
                return null;
            }
            catch (Exception e) when (e is not TimeoutException)
            {
                return e;
            }
        }

        public void Dispose()
        {
            Stop.Dispose();
            _dir.Dispose();
        }
    }

    /// <summary>Whether a process is alive: in /proc and not a zombie (an orphan's zombie waits for init to reap it).</summary>
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int Pid(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    [Test]
    public async Task a_param_with_shell_syntax_stays_one_argument()
    {
        const string value = "x; rm -rf / && echo $(id) `id` 'q' \"d\" | cat > /tmp/nope *";
        using var attempt = new Attempt(Manifest("""["printf", "<%s>\\n", "{value}", "literal {{braces}}"]"""),
            System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["value"] = value }, TestJson.Default.DictionaryStringString));

        await Assert.That(await attempt.EndAsync()).IsNull();

        var echoed = attempt.Lines.Where(l => l.StartsWith('<')).ToList();
        await Assert.That(echoed).IsEquivalentTo(["<" + value + ">", "<literal {braces}>"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(File.Exists("/tmp/nope")).IsFalse();
    }

    [Test]
    public async Task a_program_that_ignores_sigterm_is_killed_after_the_grace()
    {
        // TERM ignored is inherited: the sleeps the loop starts ignore it too.
        using var attempt = new Attempt(Manifest("""["sh", "-c", "trap '' TERM; echo pid=$$; while :; do sleep 0.2; done"]""", ""","kill_grace_s": 1"""));
        var pid = Pid(await attempt.LineAsync("pid="));
        var clock = Stopwatch.StartNew();

        await attempt.Stop.CancelAsync();
        var error = await attempt.EndAsync();

        await Assert.That(error).IsTypeOf<OperationCanceledException>();
        await Assert.That(clock.Elapsed).IsGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
        await Assert.That(clock.Elapsed).IsLessThan(TimeSpan.FromSeconds(10));
        await Assert.That(Alive(pid)).IsFalse();
        await Assert.That(ProcessGroup.Members(pid)).IsEmpty();
        await Assert.That(attempt.Lines).Contains(l => l.Contains("SIGKILL", StringComparison.Ordinal));
    }

    [Test]
    public async Task a_stop_leaves_none_of_the_programs_children_behind()
    {
        using var attempt = new Attempt(Manifest("""["sh", "-c", "sleep 1000 & echo child=$!; sleep 1000 & echo child=$!; (sleep 1000 & echo grandchild=$!; wait) & echo pid=$$; wait"]"""));
        var pid = Pid(await attempt.LineAsync("pid="));
        int[] children = [.. attempt.Lines.Where(l => l.StartsWith("child=", StringComparison.Ordinal)).Select(l => Pid(l[6..])), Pid(await attempt.LineAsync("grandchild="))];
        await Assert.That(children.Length).IsEqualTo(3);
        await Assert.That(children.All(Alive)).IsTrue();

        await attempt.Stop.CancelAsync();
        var error = await attempt.EndAsync();

        await Assert.That(error).IsTypeOf<OperationCanceledException>();
        await Assert.That(children.Any(Alive)).IsFalse();
        await Assert.That(Alive(pid)).IsFalse();
        await Assert.That(ProcessGroup.Members(pid)).IsEmpty();
    }

    [Test]
    public async Task what_a_program_leaves_running_after_it_exits_is_ended_too()
    {
        using var attempt = new Attempt(Manifest("""["sh", "-c", "sleep 1000 >/dev/null 2>&1 & echo child=$!"]"""));

        await Assert.That(await attempt.EndAsync()).IsNull();

        await Assert.That(Alive(Pid(await attempt.LineAsync("child=")))).IsFalse();
    }

    [Test]
    public async Task a_process_that_left_the_group_is_ended_when_the_program_exits()
    {
        // A child starting a session of its own leaves the process group; the run's marker in its environment still
        // names it. The program exits only once the child has its own session, so the group alone would miss it.
        using var attempt = new Attempt(Manifest("""["sh", "-c", "setsid sleep 30 & c=$!; until [ \"$(cut -d' ' -f6 /proc/$c/stat)\" = \"$c\" ]; do sleep 0.02; done; echo escaped=$c"]"""));
        var escaped = Pid(await attempt.LineAsync("escaped="));
        var clock = Stopwatch.StartNew();

        await Assert.That(await attempt.EndAsync()).IsNull();

        await Assert.That(clock.Elapsed).IsLessThan(TimeSpan.FromSeconds(10));
        await Assert.That(Alive(escaped)).IsFalse();
        await Assert.That(attempt.Lines).DoesNotContain(l => l.Contains("output pipes are still open", StringComparison.Ordinal));
    }

    [Test]
    public async Task a_stop_ends_a_daemon_that_double_forked_out_of_the_group_and_ignores_sigterm()
    {
        // The daemon's way: fork, setsid, fork again, the middle process exits (its orphan goes to init), TERM ignored.
        using var attempt = new Attempt(Manifest("""["sh", "-c", "setsid sh -c 'trap \"\" TERM; sh -c \"trap \\\"\\\" TERM; echo daemon=\\$\\$; exec sleep 60\" & exit 0' ; echo pid=$$; exec sleep 60"]""", ""","kill_grace_s": 1"""));
        var daemon = Pid(await attempt.LineAsync("daemon="));
        var pid = Pid(await attempt.LineAsync("pid="));
        await Assert.That(Alive(daemon)).IsTrue();
        await Assert.That(ProcessGroup.Members(pid)).DoesNotContain(daemon);

        await attempt.Stop.CancelAsync();
        var error = await attempt.EndAsync();

        await Assert.That(error).IsTypeOf<OperationCanceledException>();
        await Assert.That(Alive(daemon)).IsFalse();
        await Assert.That(Alive(pid)).IsFalse();
        await Assert.That(attempt.Lines).Contains(l => l.Contains("SIGKILL", StringComparison.Ordinal));
    }

    [Test]
    public async Task only_pids_above_the_program_s_are_looked_at_until_pids_may_have_wrapped()
    {
        var now = PidSpace.Now();
        await Assert.That(now).IsNotNull();
        var pidMax = long.Parse(await File.ReadAllTextAsync("/proc/sys/kernel/pid_max"), System.Globalization.CultureInfo.InvariantCulture);

        // Nothing handed out since: a program at pid 1000 can only have descendants above it.
        await Assert.That(now!.Value.LowestPidSince(1000)).IsEqualTo(1000);
        // As many pids handed out since as there are above it: they may have wrapped, and every pid is looked at.
        await Assert.That((now.Value with { Forks = now.Value.Forks - pidMax }).LowestPidSince(1000)).IsEqualTo(0);
        // A program started near the top of the pid space wraps soon: every pid is looked at.
        await Assert.That(now.Value.LowestPidSince((int)pidMax - 2)).IsEqualTo(0);
    }

    [Test]
    public async Task the_manifest_timeout_ends_the_program_and_fails_as_timeout()
    {
        using var attempt = new Attempt(Manifest("""["sh", "-c", "echo pid=$$; exec sleep 60"]""", ""","timeout_s": 1"""));
        var pid = Pid(await attempt.LineAsync("pid="));
        var clock = Stopwatch.StartNew();

        var error = await attempt.EndAsync();

        var failure = error as ToolFailure;
        await Assert.That(failure).IsNotNull();
        await Assert.That(failure!.Code).IsEqualTo("timeout");
        await Assert.That(failure.Retryable).IsFalse();
        await Assert.That(clock.Elapsed).IsLessThan(TimeSpan.FromSeconds(10));
        await Assert.That(Alive(pid)).IsFalse();
    }

    [Test]
    [Category("slow")]
    public async Task a_gigabyte_of_output_ends_with_a_bounded_log_and_a_dropped_count()
    {
        // 1 GiB of 100-byte lines as fast as yes writes them: the pipes are drained throughout, the log is not flooded.
        using var attempt = new Attempt(Manifest("""["sh", "-c", "yes 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' | head -c 1073741824; echo done >&2"]"""));
        var clock = Stopwatch.StartNew();

        await Assert.That(await attempt.EndAsync()).IsNull();

        var elapsed = clock.Elapsed;
        var lines = attempt.Lines.ToList();
        await Assert.That(elapsed).IsLessThan(TimeSpan.FromSeconds(90));
        await Assert.That(lines.Count).IsLessThanOrEqualTo(OutputLog.MaxLines + OutputLog.TailLines + 10);
        var summary = lines.Single(l => l.Contains("lines of output dropped in all", StringComparison.Ordinal));
        var dropped = long.Parse(summary.Split(' ')[1], CultureInfo.InvariantCulture);
        await Assert.That(dropped + lines.Count(l => l.StartsWith('x'))).IsGreaterThanOrEqualTo((1L << 30) / 101 - OutputLog.TailLines);
        await Assert.That(lines).Contains("[stderr] done");
        Console.WriteLine($"1 GiB of output: {elapsed.TotalSeconds:0.0} s, {lines.Count} lines logged, {dropped} dropped");
    }

    [Test]
    public async Task a_retryable_exit_code_is_a_retryable_failure_with_the_stderr_tail()
    {
        using var retryable = new Attempt(Manifest("""["sh", "-c", "echo 'disk busy' >&2; exit 75"]""", ""","retryable_exit_codes": [75]"""));
        using var fatal = new Attempt(Manifest("""["sh", "-c", "echo 'bad input' >&2; exit 3"]""", ""","retryable_exit_codes": [75]"""));

        var first = (ToolFailure?)await retryable.EndAsync();
        var second = (ToolFailure?)await fatal.EndAsync();

        await Assert.That(first!.Retryable).IsTrue();
        await Assert.That(first.Code).IsEqualTo("exit_code");
        await Assert.That(first.Message).Contains("code 75: disk busy");
        await Assert.That(second!.Retryable).IsFalse();
        await Assert.That(second.Message).Contains("code 3: bad input");
    }

    [Test]
    public async Task gdal_progress_and_a_regex_progress_are_read()
    {
        using var gdal = new Attempt(Manifest("""["sh", "-c", "printf '0...10...20...30'; sleep 0.3; printf '...40...50...60...70...80...90...100 - done.\\n'"]""", ""","progress": "gdal" """));
        using var regex = new Attempt(Manifest("""["sh", "-c", "echo 'step 1: 12.5%'; echo 'step 2: 75%'"]""", ""","progress": {"regex": "(?<percent>[0-9.]+)%"}"""));

        await Assert.That(await gdal.EndAsync()).IsNull();
        await Assert.That(await regex.EndAsync()).IsNull();

        await Assert.That(gdal.Progress).Contains(30);
        await Assert.That(gdal.Progress).Contains(100);
        await Assert.That(regex.Progress).Contains(12.5);
        await Assert.That(regex.Progress).Contains(75);
    }

    [Test]
    public async Task the_output_file_becomes_the_artifact_and_a_directory_is_zipped()
    {
        using var file = new Attempt(Manifest("""["sh", "-c", "printf hello > \"$0\"", "{output}"]""", ""","outputs": {"extensions": [".txt"]}, "artifact": "greeting" """));
        using var directory = new Attempt(Manifest("""["sh", "-c", "mkdir -p \"$0/a\" && echo 1 > \"$0/a/one\" && echo 2 > \"$0/two\"", "{output}"]""", ""","outputs": {"type": "directory"}"""));

        await Assert.That(await file.EndAsync()).IsNull();
        await Assert.That(await directory.EndAsync()).IsNull();

        await Assert.That(file.Context.Artifact!.Value.FileName).IsEqualTo("greeting.txt");
        await Assert.That(await File.ReadAllTextAsync(file.Context.Artifact.Value.Path)).IsEqualTo("hello");
        await Assert.That(directory.Context.Artifact!.Value.FileName).IsEqualTo("test.zip");
        using var zip = System.IO.Compression.ZipFile.OpenRead(directory.Context.Artifact.Value.Path);
        await Assert.That(zip.Entries.Select(e => e.FullName)).IsEquivalentTo(["a/one", "two"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task the_environment_is_the_minimal_base_and_the_manifests()
    {
        Environment.SetEnvironmentVariable("EDGEJOBS_TOKEN_FOR_TEST", "secret");
        using var attempt = new Attempt(Manifest("""["sh", "-c", "env"]""", ""","env": {"GREETING": "hi"}"""));

        await Assert.That(await attempt.EndAsync()).IsNull();

        var names = attempt.Lines.Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('[')).Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)]).ToHashSet();
        await Assert.That(names).Contains("GREETING");
        await Assert.That(names).Contains("TMPDIR");
        await Assert.That(names).DoesNotContain("EDGEJOBS_TOKEN_FOR_TEST");
        await Assert.That(names.Except(ExecAgentTool.PassedVariables).Except(["GREETING", "TMPDIR", ProcessGroup.RunVariable, "PWD", "SHLVL", "_", "OLDPWD"])).IsEmpty();
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class TestJson : System.Text.Json.Serialization.JsonSerializerContext;
