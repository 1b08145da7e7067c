using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Smoke.Tests;

/// <summary>A published binary running as a child process, its output kept for the failure message.</summary>
internal sealed class Proc : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public Proc(string file, params string[] args)
        : this(file, new Dictionary<string, string>(), args)
    {
    }

    public Proc(string file, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The most resident memory the process has had (VmHWM), in bytes.</summary>
    public long PeakResidentBytes =>
        File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] is var kib ? long.Parse(kib, System.Globalization.CultureInfo.InvariantCulture) * 1024 : 0;

    public int ExitCode => _process.ExitCode;

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    /// <summary>kill -9: no cleanup, no drain.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    /// <summary>SIGTERM, as systemd sends it; waits for the exit.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        KillHard();
        await Task.CompletedTask;
        _process.Dispose();
    }
}

/// <summary>A coordinator from dist/edgejobs on free ports with a temp data dir; restartable in place.</summary>
internal sealed class CoordinatorProcess : IAsyncDisposable
{
    private readonly string[] _extraArgs;

    public CoordinatorProcess(params string[] extraArgs)
    {
        _extraArgs = extraArgs;
        Http.BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}/");
    }

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "edgejobs-smoke", Guid.NewGuid().ToString("N"));

    public int HttpPort { get; } = Binary.FreePort();

    public int LinkPort { get; } = Binary.FreePort();

    public Proc? Process { get; private set; }

    public HttpClient Http { get; } = new();

    public string AgentTokenFile => Path.Combine(DataDir, "agent.token");

    public async Task StartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        Process = new Proc(Binary.EdgeJobs, environment ?? new Dictionary<string, string>(), ["coordinator", "--data-dir", DataDir, "--http", $"127.0.0.1:{HttpPort}", "--link", $"127.0.0.1:{LinkPort}", .. _extraArgs]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                using var ready = await Http.GetAsync("readyz");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !Process.HasExited)
            {
                await Task.Delay(10);
            }
            catch (HttpRequestException e) when (Process.HasExited)
            {
                throw new InvalidOperationException($"the coordinator exited ({Process.ExitCode}) before it was ready:\n{Process.Output}", e);
            }
        }

        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(Path.Combine(DataDir, "admin.token"))).Trim());
    }

    public Proc StartAgent(string name, int slots, string? coordinator = null, IReadOnlyDictionary<string, string>? environment = null) =>
        new(Binary.EdgeJobsAgent, environment ?? new Dictionary<string, string>(), "--coordinator", coordinator ?? $"127.0.0.1:{LinkPort}", "--token-file", AgentTokenFile, "--name", name,
            "--slots", slots.ToString(CultureInfo.InvariantCulture), "--work-dir", Path.Combine(DataDir, "agents", name), "--drain-timeout", "5s");

    public async Task<long> SubmitAsync(string paramsJson, bool force = true)
    {
        using var content = new StringContent($"{{\"tool\":\"sleep\",\"force\":{(force ? "true" : "false")},\"params\":{paramsJson}}}", Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync("v1/jobs", content);
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK
            ? JsonSerializer.Deserialize(body, RestJson.Lenient.JobDto)!.Id
            : throw new InvalidOperationException($"submit answered {(int)response.StatusCode}: {body}");
    }

    public async Task<JobDto> GetAsync(long id) =>
        JsonSerializer.Deserialize(await Http.GetStringAsync($"v1/jobs/{id}"), RestJson.Lenient.JobDto)!;

    public async Task<IReadOnlyList<JobEventDto>> EventsAsync(long id) =>
        JsonSerializer.Deserialize(await Http.GetStringAsync($"v1/jobs/{id}/events"), RestJson.Lenient.JobEventListDto)!.Events;

    public async Task<JobDto> WaitAsync(long id, Func<JobDto, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var job = await GetAsync(id);
            if (done(job))
            {
                return job;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"job {id} is still {job.Status} after {timeout.TotalSeconds} s\n--- coordinator ---\n{Process?.Output}");
            }

            await Task.Delay(20);
        }
    }

    public static bool Ended(JobDto job) => job.Status is "completed" or "failed" or "stopped";

    public async Task<string> IntegrityCheckAsync()
    {
        var (_, stdout, stderr) = await Binary.RunAsync("sqlite3", [Path.Combine(DataDir, "ledger.db"), "PRAGMA integrity_check;"]);
        return (stdout + stderr).Trim();
    }

    public async ValueTask DisposeAsync()
    {
        if (Process is not null)
        {
            await Process.DisposeAsync();
        }

        Http.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
