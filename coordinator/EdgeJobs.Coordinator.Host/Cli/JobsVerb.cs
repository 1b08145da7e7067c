using System.Globalization;
using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary><c>edgejobs jobs ls|get|logs|stop|rm|cleanup</c></summary>
internal static class JobsVerb
{
    public static async Task<int> RunAsync(CliArgs args)
    {
        if (args.Positionals.Count == 0)
        {
            throw new UsageException("usage: edgejobs jobs ls|get|logs|stop|rm|cleanup ... (edgejobs jobs --help)");
        }

        var sub = args.Positionals[0];
        var json = args.Has("json");
        using var client = ApiClient.FromArgs(args);
        return sub switch
        {
            "ls" or "list" => await ListAsync(client, args, json).ConfigureAwait(false),
            "get" => await GetAsync(client, args, json).ConfigureAwait(false),
            "logs" or "log" => await LogsAsync(client, args).ConfigureAwait(false),
            "stop" => await StopAsync(client, args, json).ConfigureAwait(false),
            "rm" or "delete" => await RemoveAsync(client, args, json).ConfigureAwait(false),
            "cleanup" => await CleanupAsync(client, args, json).ConfigureAwait(false),
            "download" => await DownloadAsync(client, args).ConfigureAwait(false),
            _ => throw new UsageException($"unknown jobs command '{sub}'; use ls, get, logs, stop, rm, cleanup or download"),
        };
    }

    private static async Task<int> ListAsync(ApiClient client, CliArgs args, bool json)
    {
        var query = new List<string>();
        foreach (var (flag, name) in new[] { ("status", "status"), ("limit", "limit"), ("cursor", "cursor"), ("tool", "tool"), ("owner", "owner"), ("node", "node") })
        {
            if (args.Get(flag) is { } value)
            {
                query.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        args.RejectUnknown();
        var answer = await client.GetAsync("v1/jobs" + (query.Count > 0 ? "?" + string.Join('&', query) : "")).ConfigureAwait(false);
        if (json)
        {
            ApiClient.EnsureSuccess(answer);
            Output.Json(answer.Body);
            return 0;
        }

        var page = ApiClient.Read(answer, RestJson.Lenient.JobListDto);
        Output.Table(
            ["ID", "TOOL", "STATUS", "ATTEMPT", "PROGRESS", "NODE", "CREATED", "OWNER"],
            page.Jobs.Select(j => (IReadOnlyList<string>)
            [
                j.Id.ToString(CultureInfo.InvariantCulture),
                $"{j.Tool} v{j.Version}",
                j.Status,
                $"{j.Attempt}/{j.MaxAttempts}",
                j.Progress is { } p ? string.Create(CultureInfo.InvariantCulture, $"{p.Percent:0}%") : "-",
                j.NodeId?.ToString(CultureInfo.InvariantCulture) ?? "-",
                Output.Age(j.CreatedAt),
                j.Owner,
            ]));
        if (page.NextCursor is { } next)
        {
            Console.Error.WriteLine($"more: edgejobs jobs ls --cursor {next}{(args.Get("status") is { } s ? " --status " + s : "")}");
        }
        else if (page.Jobs.Count == 0)
        {
            Console.Error.WriteLine(args.Get("status") is null ? "no active jobs (--status all shows finished ones)" : "no jobs");
        }

        return 0;
    }

    private static async Task<int> GetAsync(ApiClient client, CliArgs args, bool json)
    {
        var id = Id(args);
        args.RejectUnknown();
        var answer = await client.GetAsync($"v1/jobs/{id}").ConfigureAwait(false);
        if (json)
        {
            ApiClient.EnsureSuccess(answer);
            Output.Json(answer.Body);
            return 0;
        }

        var j = ApiClient.Read(answer, RestJson.Lenient.JobDto);
        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "id", j.Id.ToString(CultureInfo.InvariantCulture) },
            new[] { "tool", $"{j.Tool} v{j.Version}" },
            new[] { "status", j.Status },
            new[] { "params", j.Params.GetRawText() },
            new[] { "attempt", $"{j.Attempt} of {j.MaxAttempts}" },
            new[] { "progress", j.Progress is { } p ? string.Create(CultureInfo.InvariantCulture, $"{p.Percent:0.0}% {p.Phase}") : "-" },
            new[] { "node", j.NodeId?.ToString(CultureInfo.InvariantCulture) ?? "-" },
            new[] { "owner", j.Owner },
            new[] { "org", j.Org },
            new[] { "created", Output.Time(j.CreatedAt) },
            new[] { "started", Output.Time(j.StartedAt) },
            new[] { "finished", Output.Time(j.FinishedAt) },
            new[] { "error", j.Error is { } e ? $"{e.Code}: {e.Message}{(e.Retryable ? " (retryable)" : "")}" : "-" },
        };
        Output.Table(["FIELD", "VALUE"], rows);
        if (j.LogTail is { Count: > 0 } tail)
        {
            Console.Out.WriteLine("--- log tail ---");
            foreach (var line in tail)
            {
                Console.Out.WriteLine(line);
            }
        }

        return 0;
    }

    private static async Task<int> LogsAsync(ApiClient client, CliArgs args)
    {
        var id = Id(args);
        var follow = args.Has("follow") || args.Has("f");
        var since = args.GetInt("since", 0, 0, int.MaxValue);
        args.RejectUnknown();
        long cursor = since;
        while (true)
        {
            var page = ApiClient.Read(await client.GetAsync($"v1/jobs/{id}/log?since={cursor}").ConfigureAwait(false), RestJson.Lenient.JobLogDto);
            if (page.TruncatedFromTail > 0)
            {
                Console.Error.WriteLine($"({page.TruncatedFromTail} older lines were dropped)");
            }

            foreach (var line in page.Lines)
            {
                Console.Out.WriteLine(line);
            }

            cursor = page.Cursor;
            if (page.Lines.Count > 0)
            {
                continue;
            }

            if (!follow)
            {
                return 0;
            }

            var job = ApiClient.Read(await client.GetAsync($"v1/jobs/{id}").ConfigureAwait(false), RestJson.Lenient.JobDto);
            if (JobStates.TryParse(job.Status, out var state) && state.IsTerminal() && job.LogCursor <= cursor)
            {
                Console.Error.WriteLine($"job {id} {job.Status}");
                return 0;
            }

            await Task.Delay(500).ConfigureAwait(false);
        }
    }

    private static async Task<int> DownloadAsync(ApiClient client, CliArgs args)
    {
        var id = Id(args);
        var output = args.Get("output") ?? args.Get("o");
        args.RejectUnknown();
        var (path, bytes) = await client.DownloadAsync($"v1/jobs/{id}/artifact", output).ConfigureAwait(false);
        Console.Error.WriteLine($"job {id}: {bytes} bytes, SHA-256 verified");
        Console.Out.WriteLine(path);
        return 0;
    }

    private static async Task<int> StopAsync(ApiClient client, CliArgs args, bool json)
    {
        var id = Id(args);
        args.RejectUnknown();
        var answer = await client.PostAsync($"v1/jobs/{id}/stop", null).ConfigureAwait(false);
        var job = ApiClient.Read(answer, RestJson.Lenient.JobDto);
        if (json)
        {
            Output.Json(answer.Body);
        }
        else
        {
            Console.Out.WriteLine($"{job.Id} {job.Status}");
        }

        return 0;
    }

    private static async Task<int> RemoveAsync(ApiClient client, CliArgs args, bool json)
    {
        if (args.Get("status") is { } status)
        {
            args.RejectUnknown();
            if (args.Positionals.Count > 1)
            {
                throw new UsageException("give either a job id or --status, not both");
            }

            return PrintDeleted(await client.DeleteAsync($"v1/jobs?status={Uri.EscapeDataString(status)}").ConfigureAwait(false), json);
        }

        var id = Id(args);
        args.RejectUnknown();
        ApiClient.EnsureSuccess(await client.DeleteAsync($"v1/jobs/{id}").ConfigureAwait(false));
        Console.Error.WriteLine($"job {id} deleted");
        return 0;
    }

    private static async Task<int> CleanupAsync(ApiClient client, CliArgs args, bool json)
    {
        var olderThan = Durations.Parse(args.Get("older-than") ?? throw new UsageException("--older-than is required, e.g. --older-than 7d"));
        var statuses = args.Get("status");
        args.RejectUnknown();
        var names = statuses?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var body = "{\"older_than_s\":" + olderThan.TotalSeconds.ToString(CultureInfo.InvariantCulture)
            + (names is null ? "" : ",\"statuses\":[" + string.Join(',', names.Select(n => "\"" + System.Text.Encodings.Web.JavaScriptEncoder.Default.Encode(n) + "\"")) + "]")
            + "}";
        return PrintDeleted(await client.PostAsync("v1/jobs/cleanup", body).ConfigureAwait(false), json);
    }

    private static int PrintDeleted((System.Net.HttpStatusCode Status, string Body) answer, bool json)
    {
        var deleted = ApiClient.Read(answer, RestJson.Lenient.DeletedDto);
        if (json)
        {
            Output.Json(answer.Body);
        }
        else
        {
            Console.Out.WriteLine($"deleted {deleted.Deleted} jobs");
        }

        return 0;
    }

    private static string Id(CliArgs args) =>
        args.Positionals.Count == 2 ? args.Positionals[1] : throw new UsageException($"usage: edgejobs jobs {args.Positionals[0]} ID");
}
