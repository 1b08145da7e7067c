using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EdgeJobs.Agent.Rasters;
using EdgeJobs.Archives.Writing;
using EdgeJobs.Catalog.Exec;

namespace EdgeJobs.Agent.Tools.Exec;

/// <summary>
/// Runs an exec tool's program for a job (README "Exec tools"): argv rendered from the canonical params (input paths
/// resolved and checked on this node, <c>{output}</c> a path in the attempt's work dir), started with no shell in a
/// process group of its own (<see cref="ProcessGroup"/>) with the manifest's environment on a minimal base, cwd the
/// work dir; its output becomes bounded log lines (<see cref="OutputLog"/>) and progress; a stop or the manifest's
/// timeout ends the whole group (SIGTERM, SIGKILL after the grace). Exit 0 is success and the output the artifact
/// (a directory zipped), published to the data root when the params name a path there, exactly as built-in tools do.
/// </summary>
public sealed class ExecAgentTool(ExecManifest manifest) : IAgentTool
{
    private readonly ExecToolDescriptor _descriptor = new(manifest);

    /// <summary>Variables passed from the agent's own environment when set: what programs need to find themselves and their data.
    /// Nothing else is (the agent's token is in EDGEJOBS_TOKEN, for one).</summary>
    public static readonly string[] PassedVariables =
        ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "GDAL_DATA", "PROJ_DATA", "PROJ_LIB", "JAVA_HOME"];

    /// <summary>How long the pipes may stay open once the program's group is gone.</summary>
    private static readonly TimeSpan s_pipeGrace = TimeSpan.FromSeconds(5);

    public ExecManifest Manifest => manifest;

    public string Id => manifest.Id;

    public string Version => manifest.Version;

    public async Task RunAsync(ToolContext context)
    {
        using var document = JsonDocument.Parse(context.ParamsJson);
        var parameters = document.RootElement;
        string? output = null;
        string? artifactName = null;
        if (manifest.HasOutput)
        {
            var extension = _descriptor.OutputExtension(context.ParamsJson);
            artifactName = manifest.ArtifactName(extension);
            output = Path.Combine(context.WorkDir, manifest.OutputIsDirectory ? "output" : "output" + extension);
            if (manifest.OutputIsDirectory)
            {
                Directory.CreateDirectory(output);
            }

            context.TrackOutput(output, artifactName);
        }

        var argv = manifest.Argv.Render(parameters, (jsonPath, relative) => InputFiles.Resolve(context, jsonPath, relative), output);
        var program = argv[0];
        if (!CanStart(program))
        {
            throw new ToolFailure("program_not_found", $"'{program}' is not on this node's PATH", retryable: true);
        }

        context.Log("[edgejobs-agent] running " + string.Join(' ', argv.Select(Quote)));
        context.ReportProgress(0, "running");
        var closed = 0;
        var log = new OutputLog(context.Log);
        var progress = new ProgressParser(manifest.ProgressKind, manifest.ProgressRegex, percent => context.ReportProgress(percent, "running"));
        var clock = Stopwatch.StartNew();
        using var group = ProcessGroup.Start(argv, context.WorkDir, Environment(context.WorkDir));
        var stdout = Task.Run(() => OutputPipe.DrainAsync(group.Process.StandardOutput.BaseStream, line => Line(line, false), progress.Text));
        var stderr = Task.Run(() => OutputPipe.DrainAsync(group.Process.StandardError.BaseStream, line => Line(line, true), progress.Text));

        using var timeout = manifest.Timeout is { } limit ? new CancellationTokenSource(limit) : new CancellationTokenSource();
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation, timeout.Token);
        var stopped = false;
        try
        {
            await group.Process.WaitForExitAsync(ended.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            stopped = true;
        }

        bool killed;
        if (stopped)
        {
            killed = await group.EndAsync(manifest.KillGrace).ConfigureAwait(false);
        }
        else
        {
            // The program ended: whatever it left running in its group has no job to finish.
            await group.KillRemainingAsync().ConfigureAwait(false);
            killed = false;
        }

        // Everything of the group that held the pipes is gone: they end now, unless a process that left the group
        // (its own setsid) still holds them; its output is then no longer this job's.
        var pipes = Task.WhenAll(stdout, stderr);
        if (await Task.WhenAny(pipes, Task.Delay(s_pipeGrace)).ConfigureAwait(false) != pipes)
        {
            context.Log($"[edgejobs-agent] {program}'s output pipes are still open after its process group ended (a process that left the group holds them); no longer read");
        }

        Volatile.Write(ref closed, 1);
        log.Finish();
        var seconds = clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        if (stopped)
        {
            var how = killed ? $"killed (SIGKILL) {manifest.KillGrace.TotalSeconds} s after SIGTERM" : "ended on SIGTERM";
            if (context.Cancellation.IsCancellationRequested)
            {
                context.Log($"[edgejobs-agent] stopped: the process group {how}");
                context.Cancellation.ThrowIfCancellationRequested();
            }

            throw new ToolFailure("timeout", $"{program} ran past its timeout of {manifest.Timeout!.Value.TotalSeconds} s (timeout_s); the process group {how}", retryable: false);
        }

        var code = group.Process.ExitCode;
        if (code != 0)
        {
            context.Log($"[edgejobs-agent] {program} exited with code {code} after {seconds} s");
            var tail = log.StderrTail();
            var message = $"{program} exited with code {code}" + (tail.Length > 0 ? ": " + tail : "");
            throw new ToolFailure("exit_code", message, retryable: manifest.RetryableExitCodes.Contains(code));
        }

        if (output is null)
        {
            return;
        }

        context.ReportProgress(100, "delivering");
        if (manifest.OutputIsDirectory)
        {
            var zip = Path.Combine(context.WorkDir, "artifact.zip");
            await ZipDirectoryAsync(output, zip, context.Cancellation).ConfigureAwait(false);
            context.SetArtifact(zip, artifactName!);
            return;
        }

        if (!File.Exists(output))
        {
            throw new ToolFailure("no_output", $"{program} exited with code 0 but did not write its output ({{output}})", retryable: false);
        }

        OutputFiles.Deliver(context, output, _descriptor.OutputPath(context.ParamsJson), artifactName!);

        void Line(string line, bool isStderr)
        {
            if (Volatile.Read(ref closed) != 0)
            {
                return;
            }

            progress.Text(line);
            log.Line(line, isStderr);
        }
    }

    /// <summary>The program's environment: <see cref="PassedVariables"/> from the agent's, TMPDIR the work dir, then the manifest's env.</summary>
    private Dictionary<string, string> Environment(string workDir)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in PassedVariables)
        {
            if (System.Environment.GetEnvironmentVariable(name) is { } value)
            {
                environment[name] = value;
            }
        }

        environment.TryAdd("PATH", "/usr/local/bin:/usr/bin:/bin");
        environment["TMPDIR"] = workDir;
        foreach (var (name, value) in manifest.File.Env ?? [])
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>Whether <paramref name="program"/> exists: a path as it is, a name on the agent's PATH.</summary>
    public static bool CanStart(string program) =>
        program.Contains('/', StringComparison.Ordinal) ? File.Exists(program) : FindOnPath(program) is not null;

    private static string? FindOnPath(string program) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c, StringComparison.Ordinal)) ? arg : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static async Task ZipDirectoryAsync(string directory, string zip, CancellationToken cancellation)
    {
        await using var stream = new FileStream(zip, FileMode.Create, FileAccess.Write, FileShare.Read, 0, FileOptions.Asynchronous);
        await using var writer = new ZipStreamWriter(stream, leaveOpen: true);
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            cancellation.ThrowIfCancellationRequested();
            var name = Path.GetRelativePath(directory, file).Replace('\\', '/');
            await writer.AddAsync(ZipSource.FromFile(name, file), cancellation).ConfigureAwait(false);
        }

        await writer.FinishAsync(cancellation).ConfigureAwait(false);
    }
}
