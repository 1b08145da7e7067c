using System.Globalization;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary>Polls a job until it ends, drawing a progress bar on stderr when it is a terminal.</summary>
internal static class JobWatcher
{
    // Quick jobs are seen ending quickly; long ones are polled twice a second.
    private static readonly TimeSpan s_firstInterval = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(500);

    public static async Task<JobDto> WaitAsync(ApiClient client, long id)
    {
        var interactive = !Console.IsErrorRedirected;
        string? lastLine = null;
        var interval = s_firstInterval;
        while (true)
        {
            var job = ApiClient.Read(await client.GetAsync($"v1/jobs/{id}").ConfigureAwait(false), RestJson.Lenient.JobDto);
            var line = Describe(job);
            if (line != lastLine)
            {
                if (interactive)
                {
                    Console.Error.Write("\r\u001b[2K" + line);
                }
                else
                {
                    Console.Error.WriteLine(line);
                }

                lastLine = line;
            }

            if (JobStates.TryParse(job.Status, out var state) && state.IsTerminal())
            {
                if (interactive)
                {
                    Console.Error.WriteLine();
                }

                return job;
            }

            await Task.Delay(interval).ConfigureAwait(false);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, s_interval.Ticks));
        }
    }

    private static string Describe(JobDto job)
    {
        // An ended job's last phase is history: a completed one shows full, the others where they stopped.
        var ended = JobStates.TryParse(job.Status, out var state) && state.IsTerminal();
        var percent = job.Status == "completed" ? 100 : job.Progress?.Percent ?? 0;
        const int width = 30;
        var filled = (int)Math.Round(percent / 100 * width);
        var bar = new string('#', filled) + new string('.', width - filled);
        var phase = !ended && job.Progress?.Phase is { Length: > 0 } p ? " " + p : "";
        if (job.Steps is { Count: > 0 } steps)
        {
            // A recipe job: each step's state (and a running one's progress) after the job's bar.
            phase = " · " + string.Join("  ", steps.Select(s => s.Status == "running" && s.Progress is { } sp
                ? string.Create(CultureInfo.InvariantCulture, $"{s.Id}:{sp.Percent:0}%")
                : $"{s.Id}:{s.Status}"));
        }

        return string.Create(CultureInfo.InvariantCulture, $"[{bar}] {percent,5:0.0}% {job.Status}{phase}");
    }
}
