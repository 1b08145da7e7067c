using System.CommandLine;
using System.Globalization;
using System.Text;
using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary><c>edgejobs campaigns create FILE | ls | get ID | batch ID | stop ID | repair ID</c>: campaigns of parent batches.</summary>
internal static class CampaignsCommand
{
    public static Command Create()
    {
        var command = new Command("campaigns", "campaigns: a catalog walked in sequential parent batches, a child job per record");
        command.Subcommands.Add(CreateCommand());
        command.Subcommands.Add(ListCommand());
        command.Subcommands.Add(GetCommand());
        command.Subcommands.Add(BatchCommand());
        command.Subcommands.Add(StopCommand());
        command.Subcommands.Add(RepairCommand());
        return command;
    }

    private static Argument<string> Id() => new("ID") { Description = "the campaign's id" };

    private static string Path(ParseResult parsed, Argument<string> id, string rest = "") => $"v1/campaigns/{Uri.EscapeDataString(parsed.GetValue(id)!)}{rest}";

    private static Command CreateCommand()
    {
        var file = new Argument<string>("FILE") { Description = "the campaign as JSON: {id, title?, source: {type, ...}, template: {tool, params}, campaign_total_children?, public?, variants?}" };
        var command = new Command("create", "create a campaign (the same definition again is the same campaign)") { file };
        var client = ClientFlags.AddTo(command);
        command.WithNotes("Exit codes: 0 created (or existing with the same definition), 1 refused, 2 bad usage.");
        command.SetAction((parsed, _) => client.RunAsync(parsed, async (api, json) =>
        {
            var path = parsed.GetValue(file)!;
            var body = File.Exists(path) ? await File.ReadAllTextAsync(path).ConfigureAwait(false) : throw new UsageException($"{path}: no such file");
            var answer = await api.PostAsync("v1/campaigns", body).ConfigureAwait(false);
            var campaign = ApiClient.Read(answer, RestJson.Lenient.CampaignDto);
            if (json)
            {
                Output.Json(answer.Body);
            }
            else
            {
                Console.Out.WriteLine(campaign.Id);
                Console.Error.WriteLine($"campaign {campaign.Id} {(answer.Status == System.Net.HttpStatusCode.Created ? "created" : "exists already")}: a {campaign.Source.GetProperty("type").GetString()} catalog, children run {campaign.Template.GetProperty("tool").GetString()}");
            }

            return 0;
        }));
        return command;
    }

    private static Command ListCommand()
    {
        var command = new Command("ls", "the org's campaigns, newest first, with their progress");
        var client = ClientFlags.AddTo(command);
        command.SetAction((parsed, _) => client.RunAsync(parsed, async (api, json) =>
        {
            var answer = await api.GetAsync("v1/campaigns").ConfigureAwait(false);
            if (json)
            {
                ApiClient.EnsureSuccess(answer);
                Output.Json(answer.Body);
                return 0;
            }

            var list = ApiClient.Read(answer, RestJson.Lenient.CampaignListDto);
            Output.Table(["ID", "SOURCE", "BATCHES", "CHILDREN", "PERCENT", "NEXT", "ACTIVE BATCH", "LAST ACTIVITY"], list.Campaigns.Select(c => (IReadOnlyList<string>)
                [c.Id, c.Source.GetProperty("type").GetString()!, Number(c.Batches), Number(c.TotalChildren), c.Percent.ToString("0.#", CultureInfo.InvariantCulture) + "%",
                 c.NextStartPosition is { } next ? Number(next) : "exhausted", c.ActiveBatch is { } active ? Number(active) : "-", Output.Time(c.LastActivityAt)]));
            return 0;
        }));
        return command;
    }

    private static Command GetCommand()
    {
        var id = Id();
        var watch = Flags.Switch("--watch", "redraw every second until no batch is active (Ctrl+C to leave)");
        var command = new Command("get", "a campaign's aggregate: children per state, percent, its latest batch, where the next starts") { id, watch };
        var client = ClientFlags.AddTo(command);
        command.SetAction((parsed, cancellation) => client.RunAsync(parsed, async (api, json) =>
        {
            while (true)
            {
                var answer = await api.GetAsync(Path(parsed, id)).ConfigureAwait(false);
                if (json)
                {
                    ApiClient.EnsureSuccess(answer);
                    Output.Json(answer.Body);
                    return 0;
                }

                var campaign = ApiClient.Read(answer, RestJson.Lenient.CampaignDto);
                Console.Out.Write(Describe(campaign));
                if (!parsed.GetValue(watch) || campaign.ActiveBatch is null || cancellation.IsCancellationRequested)
                {
                    return 0;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellation).ConfigureAwait(false);
                Console.Out.WriteLine();
            }
        }));
        return command;
    }

    private static string Describe(CampaignDto c)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"campaign {c.Id}{(c.Title is { } t ? $" ({t})" : "")}: {c.Percent:0.#}% of {(c.CampaignTotalChildren ?? c.TotalChildren)} children ended\n");
        text.Append("  children   ").Append(string.Join("  ", c.Children.Where(s => s.Value > 0).Select(s => $"{s.Key}:{s.Value}"))).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"  batches    {c.Batches}{(c.ActiveBatch is { } a ? $", batch job {a} active" : ", none active")}\n");
        if (c.LatestBatch is { } b)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"  latest     job {b.JobId} {b.Status}: records {b.StartPosition}..{b.StartPosition + (b.Records ?? b.MaxRecords) - 1}{(b.Records is null ? " (being read)" : "")}, {b.ChildrenCompleted} of {b.Records ?? 0} completed\n");
        }

        text.Append("  next       ").Append(c.NextStartPosition is { } next ? $"start_position {next}" : "none: the catalog is exhausted").Append('\n');
        return text.ToString();
    }

    private static Command BatchCommand()
    {
        var id = Id();
        var max = Flags.Int("--max-records", "N", "records in this batch (1..10000)", 100, 1, 10_000);
        var start = Flags.Create<long?>("--start", "N", "the first record (default: where the campaign continues)", raw =>
            long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : throw new UsageException($"--start '{raw}' must be 1 or more"), null);
        var force = Flags.Switch("--force", "start somewhere other than where the campaign continues (records may be processed again)");
        var wait = Flags.Switch("--wait", "follow the batch until its last child ended; exit 1 unless it completed");
        var command = new Command("batch", "start the campaign's next parent batch: one page of its catalog, a child job per record") { id, max, start, force, wait };
        var client = ClientFlags.AddTo(command);
        command.WithNotes("""
            Prints the batch's job id on stdout. One batch runs at a time: a second one while one is active is refused
            (naming it), and so is a start other than the campaign's next_start_position without --force.
            Exit codes: 0 started (with --wait: completed), 1 refused or (with --wait) did not complete, 2 bad usage.
            """);
        command.SetAction((parsed, _) => client.RunAsync(parsed, async (api, json) =>
        {
            var body = new StringBuilder("{\"max_records\":").Append(parsed.GetValue(max).ToString(CultureInfo.InvariantCulture));
            if (parsed.GetValue(start) is { } s)
            {
                body.Append(",\"start_position\":").Append(s.ToString(CultureInfo.InvariantCulture));
            }

            if (parsed.GetValue(force))
            {
                body.Append(",\"force\":true");
            }

            var answer = await api.PostAsync(Path(parsed, id, "/batches"), body.Append('}').ToString()).ConfigureAwait(false);
            var batch = ApiClient.Read(answer, RestJson.Lenient.JobDto);
            if (json && !parsed.GetValue(wait))
            {
                Output.Json(answer.Body);
                return 0;
            }

            Console.Out.WriteLine(batch.Id.ToString(CultureInfo.InvariantCulture));
            Console.Error.WriteLine($"batch job {batch.Id}: records from {batch.Batch!.StartPosition}, up to {batch.Batch.MaxRecords}");
            if (!parsed.GetValue(wait))
            {
                return 0;
            }

            var ended = await JobWatcher.WaitAsync(api, batch.Id).ConfigureAwait(false);
            return ended.Status == "completed" ? 0 : 1;
        }));
        return command;
    }

    private static Command StopCommand()
    {
        var id = Id();
        var command = new Command("stop", "stop the active batch and its unfinished children (completed children stay completed)") { id };
        var client = ClientFlags.AddTo(command);
        command.SetAction((parsed, _) => client.RunAsync(parsed, async (api, json) =>
        {
            var answer = await api.PostAsync(Path(parsed, id, "/stop"), "{}").ConfigureAwait(false);
            var campaign = ApiClient.Read(answer, RestJson.Lenient.CampaignDto);
            if (json)
            {
                Output.Json(answer.Body);
            }
            else
            {
                Console.Out.Write(Describe(campaign));
            }

            return 0;
        }));
        return command;
    }

    private static Command RepairCommand()
    {
        var id = Id();
        var batch = Flags.Create<long?>("--batch", "JOB", "only the records of this batch job (default: the whole catalog)", raw =>
            long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : throw new UsageException($"--batch '{raw}' must be a batch job's id"), null);
        var dryRun = Flags.Switch("--dry-run", "list the missing variants; queue nothing");
        var command = new Command("repair", "queue the producing job for each record's missing variants (the campaign's variants rules)") { id, batch, dryRun };
        var client = ClientFlags.AddTo(command);
        command.SetAction((parsed, _) => client.RunAsync(parsed, async (api, json) =>
        {
            var body = new StringBuilder("{\"dry_run\":").Append(parsed.GetValue(dryRun) ? "true" : "false");
            if (parsed.GetValue(batch) is { } b)
            {
                body.Append(",\"batch_job_id\":").Append(b.ToString(CultureInfo.InvariantCulture));
            }

            var answer = await api.PostAsync(Path(parsed, id, "/repair"), body.Append('}').ToString()).ConfigureAwait(false);
            var repair = ApiClient.Read(answer, RestJson.Lenient.RepairDto);
            if (json)
            {
                Output.Json(answer.Body);
                return 0;
            }

            Output.Table(["RECORD", "VARIANT", "OUTPUT", repair.DryRun ? "WOULD QUEUE" : "JOB"], repair.Missing.Select(m => (IReadOnlyList<string>)
                [m.Record, m.Variant, m.Output, m.Error ?? (m.JobId is { } job ? job.ToString(CultureInfo.InvariantCulture) : "yes")]));
            Console.Error.WriteLine($"{repair.Missing.Count} missing of {repair.RecordsChecked} records checked{(repair.DryRun ? " (dry run: nothing queued)" : "")}");
            return 0;
        }));
        return command;
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
