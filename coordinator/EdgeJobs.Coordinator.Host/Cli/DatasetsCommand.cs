using System.CommandLine;
using System.Globalization;
using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary><c>edgejobs ds ls|create|rm|put|get|entries|mv|del</c>: an org's datasets through REST API v1.</summary>
internal static class DatasetsCommand
{
    /// <summary>Uploads go in parts this large: a broken connection costs at most one part.</summary>
    private const long PartBytes = 64L << 20;

    public static Command Create()
    {
        var command = new Command("ds", "datasets: an org's file trees kept by the coordinator (datasets:read, datasets:write)");
        var client = ClientFlags.AddTo(command);
        command.Subcommands.Add(List(client));
        command.Subcommands.Add(CreateDataset(client));
        command.Subcommands.Add(Remove(client));
        command.Subcommands.Add(Put(client));
        command.Subcommands.Add(Get(client));
        command.Subcommands.Add(Entries(client));
        command.Subcommands.Add(Move(client));
        command.Subcommands.Add(Delete(client));
        command.WithNotes("""
            DATASET is ORG/NAME, e.g. acme/survey. PATH is relative to the dataset: folders/with/file.tif.
            Example: edgejobs ds create acme/survey && edgejobs ds put acme/survey ortho.tif scenes/ortho.tif
            """);
        return command;
    }

    private static Argument<string> Dataset() => new("DATASET") { Description = "ORG/NAME" };

    private static Argument<string> EntryPath(string description = "the file's path in the dataset") => new("PATH") { Description = description };

    private static Command List(ClientFlags client)
    {
        var org = Flags.Text("--org", "ORG", "only this org's datasets (a global token sees every org's)");
        var command = new Command("ls", "the datasets you can see") { org };
        command.Aliases.Add("list");
        command.SetAction((parsed, _) => client.RunAsync(parsed, async (api, json) =>
        {
            // Every page, following next_cursor: the list is short next to what a terminal shows.
            var query = "?limit=1000" + (parsed.GetValue(org) is { } o ? "&org=" + Uri.EscapeDataString(o) : "");
            var list = new List<DatasetDto>();
            string? cursor = null;
            do
            {
                var answer = await api.GetAsync("v1/datasets" + query + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))).ConfigureAwait(false);
                var page = ApiClient.Read(answer, RestJson.Lenient.DatasetListDto);
                list.AddRange(page.Datasets);
                cursor = page.NextCursor;
            }
            while (cursor is not null);

            if (json)
            {
                Output.Json(System.Text.Json.JsonSerializer.Serialize(new DatasetListDto(list), RestJson.Wire.DatasetListDto));
                return 0;
            }

            Output.Table(["DATASET", "ENTRIES", "BYTES", "QUOTA", "CREATED"], list.Select(d => (IReadOnlyList<string>)
            [
                $"{d.Org}/{d.Name}", d.Entries.ToString(CultureInfo.InvariantCulture), d.BytesUsed.ToString(CultureInfo.InvariantCulture),
                d.ByteQuota?.ToString(CultureInfo.InvariantCulture) ?? "-", Output.Age(d.CreatedAt),
            ]));
            if (list.Count == 0)
            {
                Console.Error.WriteLine("no datasets (edgejobs ds create ORG/NAME makes one)");
            }

            return 0;
        }));
        return command;
    }

    private static Command CreateDataset(ClientFlags client)
    {
        var dataset = Dataset();
        var quota = Flags.Create<long?>("--quota", "BYTES", "the most bytes its files may hold (default: no limit)", raw =>
            long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0 ? v : throw new UsageException($"--quota must be a byte count, not '{raw}'"), null);
        var command = new Command("create", "make a dataset (or set the quota of an existing one)") { dataset, quota };
        command.SetAction((parsed, _) => client.RunAsync(parsed, async (api, json) =>
        {
            var body = parsed.GetValue(quota) is { } q ? "{\"byte_quota\":" + q.ToString(CultureInfo.InvariantCulture) + "}" : null;
            var answer = await api.PutAsync(DatasetUrl(parsed.GetValue(dataset)!), body).ConfigureAwait(false);
            var created = ApiClient.Read(answer, RestJson.Lenient.DatasetDto);
            if (json)
            {
                Output.Json(answer.Body);
            }
            else
            {
                Console.Out.WriteLine($"{created.Org}/{created.Name}");
                Console.Error.WriteLine(answer.Status == System.Net.HttpStatusCode.Created ? "created" : "exists");
            }

            return 0;
        }));
        return command;
    }

    private static Command Remove(ClientFlags client)
    {
        var dataset = Dataset();
        var command = new Command("rm", "delete a dataset with all its files (refused while a job uses it)") { dataset };
        command.SetAction((parsed, _) => client.RunAsync(parsed, async (api, _) =>
        {
            ApiClient.EnsureSuccess(await api.DeleteAsync(DatasetUrl(parsed.GetValue(dataset)!)).ConfigureAwait(false));
            Console.Error.WriteLine($"dataset {parsed.GetValue(dataset)} deleted");
            return 0;
        }));
        return command;
    }

    private static Command Put(ClientFlags client)
    {
        var dataset = Dataset();
        var local = new Argument<string>("FILE") { Description = "the local file to upload" };
        var path = new Argument<string?>("PATH") { Description = "where it goes in the dataset (default: the file's name)", Arity = ArgumentArity.ZeroOrOne };
        var noOverwrite = Flags.Switch("--no-overwrite", "refuse if the path already holds a file");
        var command = new Command("put", "upload a file, with a progress bar; resumes after a broken connection") { dataset, local, path, noOverwrite };
        command.SetAction((parsed, _) => client.RunAsync(parsed, async (api, json) =>
        {
            var file = parsed.GetValue(local)!;
            if (!File.Exists(file))
            {
                throw new UsageException($"FILE {file} does not exist");
            }

            var target = parsed.GetValue(path) ?? Path.GetFileName(file);
            if (parsed.GetValue(noOverwrite) && await api.ExistsAsync(FileUrl(parsed.GetValue(dataset)!, target)).ConfigureAwait(false))
            {
                // Asked first: the coordinator refuses it too (412), but before reading the body, which the client sees as a broken pipe.
                throw new CommandFailedException($"{target} already exists in {parsed.GetValue(dataset)} (--no-overwrite)");
            }

            var answer = await api.UploadAsync(FileUrl(parsed.GetValue(dataset)!, target), file, PartBytes, overwrite: !parsed.GetValue(noOverwrite)).ConfigureAwait(false);
            var entry = ApiClient.Read(answer, RestJson.Lenient.DatasetEntryDto);
            if (json)
            {
                Output.Json(answer.Body);
            }
            else
            {
                Console.Out.WriteLine($"{entry.Path} {entry.Size} {entry.Sha256}");
            }

            return 0;
        }));
        return command;
    }

    private static Command Get(ClientFlags client)
    {
        var dataset = Dataset();
        var path = EntryPath();
        var output = Flags.Text("--output", "FILE|DIR", "where to write it (default: its name, here)", aliases: ["-o"]);
        var command = new Command("get", "download a file, SHA-256 verified, with a progress bar") { dataset, path, output };
        command.SetAction((parsed, _) => client.RunAsync(parsed, async (api, _) =>
        {
            var (written, _) = await api.DownloadAsync(FileUrl(parsed.GetValue(dataset)!, parsed.GetValue(path)!), parsed.GetValue(output), showProgress: true).ConfigureAwait(false);
            Console.Out.WriteLine(written);
            return 0;
        }));
        return command;
    }

    private static Command Entries(ClientFlags client)
    {
        var dataset = Dataset();
        var prefix = Flags.Text("--prefix", "P", "only paths starting with this (a folder: scenes/)");
        var type = Flags.OneOf("--type", "only this type", "", "", "raster", "vector", "pointcloud", "image", "archive", "other");
        var limit = Flags.Text("--limit", "N", "entries per page (default 100, at most 1000)");
        var cursor = Flags.Text("--cursor", "C", "continue after the page that printed it");
        var command = new Command("entries", "the dataset's index: path, type, size, SHA-256") { dataset, prefix, type, limit, cursor };
        command.SetAction((parsed, _) => client.RunAsync(parsed, async (api, json) =>
        {
            var query = new[] { ("prefix", parsed.GetValue(prefix)), ("type", parsed.GetValue(type) is { Length: > 0 } t ? t : null), ("limit", parsed.GetValue(limit)), ("cursor", parsed.GetValue(cursor)) }
                .Where(q => q.Item2 is not null)
                .Select(q => $"{q.Item1}={Uri.EscapeDataString(q.Item2!)}");
            var answer = await api.GetAsync($"{DatasetUrl(parsed.GetValue(dataset)!)}/entries?{string.Join('&', query)}").ConfigureAwait(false);
            if (json)
            {
                ApiClient.EnsureSuccess(answer);
                Output.Json(answer.Body);
                return 0;
            }

            var page = ApiClient.Read(answer, RestJson.Lenient.DatasetEntryListDto);
            Output.Table(["PATH", "TYPE", "SIZE", "SHA-256", "MODIFIED"], page.Entries.Select(e => (IReadOnlyList<string>)
                [e.Path, e.Type, e.Size.ToString(CultureInfo.InvariantCulture), e.Sha256[..Math.Min(12, e.Sha256.Length)], Output.Age(e.Mtime)]));
            if (page.NextCursor is { } next)
            {
                Console.Error.WriteLine($"more: edgejobs ds entries {parsed.GetValue(dataset)} --cursor {next}");
            }

            return 0;
        }));
        return command;
    }

    private static Command Move(ClientFlags client)
    {
        var dataset = Dataset();
        var from = EntryPath("a file or a folder in the dataset");
        var to = new Argument<string>("TO") { Description = "its new path" };
        var command = new Command("mv", "move or rename a file or a folder within the dataset") { dataset, from, to };
        command.SetAction((parsed, _) => client.RunAsync(parsed, async (api, json) =>
        {
            var body = System.Text.Json.JsonSerializer.Serialize(new MoveRequest { From = parsed.GetValue(from)!, To = parsed.GetValue(to)! }, RestJsonContext.Default.MoveRequest);
            var answer = await api.PostAsync($"{DatasetUrl(parsed.GetValue(dataset)!)}/move", body).ConfigureAwait(false);
            ApiClient.EnsureSuccess(answer);
            if (json)
            {
                Output.Json(answer.Body);
            }
            else
            {
                Console.Error.WriteLine($"moved {parsed.GetValue(from)} to {parsed.GetValue(to)}");
            }

            return 0;
        }));
        return command;
    }

    private static Command Delete(ClientFlags client)
    {
        var dataset = Dataset();
        var path = EntryPath();
        var command = new Command("del", "delete a file from the dataset") { dataset, path };
        command.SetAction((parsed, _) => client.RunAsync(parsed, async (api, _) =>
        {
            ApiClient.EnsureSuccess(await api.DeleteAsync(FileUrl(parsed.GetValue(dataset)!, parsed.GetValue(path)!)).ConfigureAwait(false));
            Console.Error.WriteLine($"{parsed.GetValue(path)} deleted");
            return 0;
        }));
        return command;
    }

    /// <summary><c>v1/datasets/ORG/NAME</c>, each part escaped; a DATASET without its org is a usage error.</summary>
    private static string DatasetUrl(string dataset)
    {
        if (!Protocol.Datasets.DatasetNames.TrySplit(dataset, null, out var org, out var name))
        {
            throw new UsageException($"DATASET must be ORG/NAME, e.g. acme/survey, not '{dataset}'");
        }

        return $"v1/datasets/{Uri.EscapeDataString(org)}/{Uri.EscapeDataString(name)}";
    }

    /// <summary>The file's URL: each path segment escaped, the slashes kept (the coordinator checks the path itself).</summary>
    private static string FileUrl(string dataset, string path) =>
        $"{DatasetUrl(dataset)}/files/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}";
}
