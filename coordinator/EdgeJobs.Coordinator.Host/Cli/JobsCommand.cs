using System.CommandLine;
using System.Globalization;
using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary><c>edgejobs jobs ls|get|logs|stop|rm|cleanup|download</c></summary>
internal static class JobsCommand
{
    public static Command Create()
    {
        var command = new Command("jobs", "list and manage jobs");
        var client = ClientFlags.AddTo(command);
        command.Subcommands.Add(List(client));
        command.Subcommands.Add(Get(client));
        command.Subcommands.Add(Logs(client));
        command.Subcommands.Add(Stop(client));
        command.Subcommands.Add(Remove(client));
        command.Subcommands.Add(Cleanup(client));
        command.Subcommands.Add(Download(client));
        command.WithNotes("""
            States: scheduled, running, stop_requested, stopping, stopped, completed, failed.
            rm refuses active jobs (stop them first); rm --status and cleanup need jobs:admin.
            DURATION is 90s, 30m, 12h or 7d.
            """);
        return command;
    }

    private static Argument<string> JobId() => new("ID") { Description = "the job's id" };

    private static Command List(ClientFlags client)
    {
        var status = Flags.Text("--status", "S", "active (default), all, terminal, or STATE,... (error is failed)");
        var limit = Flags.Text("--limit", "N", "jobs per page (default 50, at most 1000)");
        var cursor = Flags.Text("--cursor", "ID", "continue after this job (printed when there are more)");
        var tool = Flags.Text("--tool", "TOOL", "only this tool's jobs");
        var owner = Flags.Text("--owner", "NAME", "only jobs submitted by this token name");
        var node = Flags.Text("--node", "ID", "only jobs leased to this node");
        var campaign = Flags.Text("--campaign", "ID", "only a campaign's batches and children (its id), or jobs labelled with a campaign_id number");
        var command = new Command("ls", "list jobs, newest first") { status, limit, cursor, tool, owner, node, campaign };
        command.Aliases.Add("list");
        command.SetAction((parsed, _) =>
        {
            var filters = new[] { ("status", status), ("limit", limit), ("cursor", cursor), ("tool", tool), ("owner", owner), ("node", node), ("campaign", campaign) }
                .Select(f => (Name: f.Item1, Value: parsed.GetValue(f.Item2)))
                .Where(f => f.Value is not null)
                .Select(f => (f.Name, f.Value!))
                .ToList();
            return client.RunAsync(parsed, (api, json) => ListAsync(api, filters, json));
        });
        return command;
    }

    private static Command Get(ClientFlags client)
    {
        var id = JobId();
        var command = new Command("get", "one job: params, progress, error, log tail") { id };
        command.SetAction((parsed, _) => client.RunAsync(parsed, (api, json) => GetAsync(api, parsed.GetValue(id)!, json)));
        return command;
    }

    private static Command Logs(ClientFlags client)
    {
        var id = JobId();
        var follow = Flags.Switch("--follow", "keep printing new lines until the job ends", "-f");
        var since = Flags.Int("--since", "CURSOR", "start after this log cursor", 0, 0, int.MaxValue);
        var command = new Command("logs", "a job's log lines") { id, follow, since };
        command.Aliases.Add("log");
        command.SetAction((parsed, _) => client.RunAsync(parsed, (api, _) => LogsAsync(api, parsed.GetValue(id)!, parsed.GetValue(follow), parsed.GetValue(since))));
        return command;
    }

    private static Command Stop(ClientFlags client)
    {
        var id = JobId();
        var command = new Command("stop", "ask a job to stop (a running one stops within a strip)") { id };
        command.SetAction((parsed, _) => client.RunAsync(parsed, (api, json) => StopAsync(api, parsed.GetValue(id)!, json)));
        return command;
    }

    private static Command Remove(ClientFlags client)
    {
        var id = new Argument<string?>("ID") { Description = "the job's id", Arity = ArgumentArity.ZeroOrOne };
        var status = Flags.Text("--status", "S", "delete every job in this terminal state: terminal, completed, stopped, failed (or error)");
        var command = new Command("rm", "delete a finished job, or all finished jobs in one state") { id, status };
        command.Aliases.Add("delete");
        command.Validators.Add(result =>
        {
            var hasId = result.GetValue(id) is not null;
            var hasStatus = result.GetValue(status) is not null;
            if (hasId == hasStatus)
            {
                result.AddError(hasId ? "give either a job id or --status, not both" : "give a job id, or --status to delete every finished job in one state");
            }
        });
        command.SetAction((parsed, _) => client.RunAsync(parsed, (api, json) => RemoveAsync(api, parsed.GetValue(id), parsed.GetValue(status), json)));
        return command;
    }

    private static Command Cleanup(ClientFlags client)
    {
        var olderThan = Flags.OptionalDuration("--older-than", "delete finished jobs that ended longer ago than this (required)");
        var status = Flags.Text("--status", "S,...", "only these terminal states (default: all of them)");
        var command = new Command("cleanup", "delete finished jobs older than a duration (jobs:admin)") { olderThan, status };
        command.Validators.Add(result =>
        {
            if (result.GetValue(olderThan) is null)
            {
                result.AddError("--older-than is required, e.g. --older-than 7d");
            }
        });
        command.SetAction((parsed, _) => client.RunAsync(parsed, (api, json) => CleanupAsync(api, parsed.GetValue(olderThan)!.Value, parsed.GetValue(status), json)));
        return command;
    }

    private static Command Download(ClientFlags client)
    {
        var id = JobId();
        var output = Flags.Text("--output", "FILE|DIR", "where to write it (default: the server's file name, here)", aliases: ["-o"]);
        var command = new Command("download", "a job's artifact, SHA-256 verified") { id, output };
        command.SetAction((parsed, _) => client.RunAsync(parsed, (api, _) => DownloadAsync(api, parsed.GetValue(id)!, parsed.GetValue(output))));
        return command;
    }

    private static async Task<int> ListAsync(ApiClient client, List<(string Name, string Value)> filters, bool json)
    {
        var query = filters.Select(f => $"{f.Name}={Uri.EscapeDataString(f.Value)}").ToList();
        var status = filters.Where(f => f.Name == "status").Select(f => f.Value).FirstOrDefault();
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
            Console.Error.WriteLine($"more: edgejobs jobs ls --cursor {next}{(status is { } s ? " --status " + s : "")}");
        }
        else if (page.Jobs.Count == 0)
        {
            Console.Error.WriteLine(status is null ? "no active jobs (--status all shows finished ones)" : "no jobs");
        }

        return 0;
    }

    private static async Task<int> GetAsync(ApiClient client, string id, bool json)
    {
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
        if (j.Recipe is { } recipe)
        {
            rows.Insert(1, new[] { "recipe", $"{recipe.Name} v{recipe.Version}{(recipe.Id is { } rid ? $" (stored as {rid})" : " (inline)")}" });
            rows.AddRange(recipe.Outputs.Select(o => (IReadOnlyList<string>)["output", $"{o.Key} -> {o.Value}"]));
            if (recipe.OnExit is { } hook)
            {
                rows.Add(["on_exit", $"{hook.Url}: {hook.Status}{(hook.Attempts > 0 ? $" after {hook.Attempts} attempt(s)" : "")}{(hook.Error is { } he ? $" ({he})" : "")}"]);
            }
        }

        Output.Table(["FIELD", "VALUE"], rows);
        if (j.Steps is { Count: > 0 } steps)
        {
            Console.Out.WriteLine();
            Output.Table(["STEP", "TOOL", "STATUS", "JOB", "NODE", "ATTEMPT", "DURATION", "NEEDS", "ERROR"], steps.Select(s => (IReadOnlyList<string>)
            [
                s.Id, s.Tool, s.Status + (s.Status == "running" && s.Progress is { } sp ? string.Create(CultureInfo.InvariantCulture, $" {sp.Percent:0}%") : ""),
                s.JobId?.ToString(CultureInfo.InvariantCulture) ?? "-", s.NodeId?.ToString(CultureInfo.InvariantCulture) ?? "-",
                s.JobId is null ? "-" : $"{s.Attempt} of {s.MaxAttempts}",
                s.DurationMs is { } ms ? string.Create(CultureInfo.InvariantCulture, $"{ms / 1000.0:0.0}s") : "-",
                s.DependsOn.Count == 0 ? "-" : string.Join(",", s.DependsOn),
                s.Error is { } se ? $"{se.Code}: {se.Message}" : "-",
            ]));
            Console.Error.WriteLine("a step's log: edgejobs jobs log JOB");
        }

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

    private static async Task<int> LogsAsync(ApiClient client, string id, bool follow, int since)
    {
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

    private static async Task<int> DownloadAsync(ApiClient client, string id, string? output)
    {
        var (path, bytes) = await client.DownloadAsync($"v1/jobs/{id}/artifact", output).ConfigureAwait(false);
        Console.Error.WriteLine($"job {id}: {bytes} bytes, SHA-256 verified");
        Console.Out.WriteLine(path);
        return 0;
    }

    private static async Task<int> StopAsync(ApiClient client, string id, bool json)
    {
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

    private static async Task<int> RemoveAsync(ApiClient client, string? id, string? status, bool json)
    {
        if (status is not null)
        {
            return PrintDeleted(await client.DeleteAsync($"v1/jobs?status={Uri.EscapeDataString(status)}").ConfigureAwait(false), json);
        }

        ApiClient.EnsureSuccess(await client.DeleteAsync($"v1/jobs/{id}").ConfigureAwait(false));
        Console.Error.WriteLine($"job {id} deleted");
        return 0;
    }

    private static async Task<int> CleanupAsync(ApiClient client, TimeSpan olderThan, string? statuses, bool json)
    {
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
}
