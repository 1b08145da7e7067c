using System.Buffers;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary><c>edgejobs submit TOOL --param k=v ... [--wait]</c>, or a recipe job: <c>edgejobs submit --recipe FILE|--recipe-id ID --param STEP.k=v ...</c></summary>
internal static class SubmitCommand
{
    private static readonly Argument<string?> s_tool = new("TOOL") { Description = "the tool's id (edgejobs tools lists them); none for a recipe job", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Option<string?> s_recipe = Flags.Text("--recipe", "FILE", "run a recipe (multi-step job) from this JSON file instead of one tool; --param is then STEP.KEY=VALUE");
    private static readonly Option<string?> s_recipeId = Flags.Text("--recipe-id", "ID", "run a stored recipe (edgejobs recipes ls) instead of one tool");
    private static readonly Option<string[]> s_input = Flags.Repeated("--input", "NAME=PATH", "a recipe job's named input, used by its steps as input:NAME; repeatable");
    private static readonly Option<string[]> s_output = Flags.Repeated("--output", "step:ID.output=PATH", "where a recipe step's artifact lands (a path ending in / is a folder); repeatable");
    private static readonly Option<string[]> s_param = Flags.Repeated("--param", "KEY=VALUE", "one tool parameter; numbers, true/false and JSON values are sent as JSON; repeatable");
    private static readonly Option<string?> s_paramsJson = Flags.Text("--params-json", "JSON", "all parameters as one JSON object instead of --param");
    private static readonly Option<string?> s_version = Flags.Text("--version", "V", "the tool version to run (default: the catalog's)");
    private static readonly Option<double?> s_priority = Flags.Number("--priority", "N", "-1000..1000, higher runs first (default 0)");
    private static readonly Option<double?> s_maxAttempts = Flags.Number("--max-attempts", "N", "attempts before the job fails (default 3)");
    private static readonly Option<double?> s_timeout = Flags.Number("--timeout", "SECONDS", "fail the job if it runs longer");
    private static readonly Option<string?> s_dataset = Flags.Text("--dataset", "ORG/NAME", "run on this dataset: input and output paths are its entries");
    private static readonly Option<string[]> s_nodeLabels = Flags.Repeated("--node-label", "KEY=VALUE", "only a node with this label runs the job (paths are then that node's own); repeatable");
    private static readonly Option<bool> s_force = Flags.Switch("--force", "make a new job even if an identical one is active or recently completed");
    private static readonly Option<bool> s_wait = Flags.Switch("--wait", "wait for the job to end, with a progress bar; exit 0 only if it completed");

    public static Command Create()
    {
        var command = new Command("submit", "submit a job")
        {
            s_tool, s_param, s_paramsJson, s_recipe, s_recipeId, s_input, s_output, s_dataset, s_nodeLabels, s_version, s_priority, s_maxAttempts, s_timeout, s_force, s_wait,
        };
        var client = ClientFlags.AddTo(command);
        command.WithNotes("""
            Prints the job's id on stdout: a new one, or an identical job's that is active or completed
            recently (said on stderr). Retries reuse one Idempotency-Key, so a retry never makes a second job.
            Exit codes: 0 submitted (with --wait: completed), 1 refused or the job did not complete, 2 bad usage.
            Example: edgejobs submit sleep --param seconds=2.5 --wait
            A recipe job: edgejobs submit --recipe recipe.json --input scene=landsat/L7.tif --param reproject.crs=EPSG:3857 --wait
            (--wait then shows each step).
            """);
        command.SetAction((parsed, _) => RunAsync(parsed, client));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parsed, ClientFlags flags)
    {
        var body = BuildBody(parsed);
        var wait = parsed.GetValue(s_wait);
        var json = parsed.GetValue(flags.Json);
        using var client = ApiClient.From(parsed, flags);

        var answer = await client.PostAsync("v1/jobs", body).ConfigureAwait(false);
        var job = ApiClient.Read(answer, RestJson.Lenient.JobDto);
        if (!wait)
        {
            if (json)
            {
                Output.Json(answer.Body);
            }
            else
            {
                Console.Out.WriteLine(job.Id.ToString(CultureInfo.InvariantCulture));
                Console.Error.WriteLine($"job {job.Id} {(job.Deduplicated == true ? "already exists" : "submitted")}: {job.Tool} v{job.Version}, {job.Status}");
            }

            return 0;
        }

        Console.Error.WriteLine($"job {job.Id} submitted; waiting (Ctrl+C stops waiting, not the job)");
        var final = await JobWatcher.WaitAsync(client, job.Id).ConfigureAwait(false);
        if (json)
        {
            Output.Json(JsonSerializer.Serialize(final, RestJsonContext.Default.JobDto));
        }
        else
        {
            Console.Out.WriteLine($"{final.Id} {final.Status}{(final.Error is { } e ? $": {e.Code} {e.Message}" : "")}");
        }

        return final.Status == JobState.Completed.Name() ? 0 : 1;
    }

    private static string BuildBody(ParseResult parsed)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var recipe = WriteWhatRuns(parsed, writer);
            if (parsed.GetValue(s_version) is { } version)
            {
                writer.WriteString("version", version);
            }

            if (parsed.GetValue(s_dataset) is { } dataset)
            {
                writer.WriteString("dataset", dataset);
            }

            if (parsed.GetValue(s_nodeLabels) is { Length: > 0 } labels)
            {
                writer.WriteStartObject("node_labels");
                foreach (var label in labels)
                {
                    var eq = label.IndexOf('=');
                    if (eq <= 0)
                    {
                        throw new UsageException($"--node-label '{label}' must be key=value");
                    }

                    writer.WriteString(label[..eq], label[(eq + 1)..]);
                }

                writer.WriteEndObject();
            }

            writer.WritePropertyName("params");
            if (parsed.GetValue(s_paramsJson) is { } raw)
            {
                try
                {
                    using var document = JsonDocument.Parse(raw);
                    document.WriteTo(writer);
                }
                catch (JsonException e)
                {
                    throw new UsageException($"--params-json is not JSON: {e.Message}");
                }
            }
            else
            {
                WriteParams(writer, parsed.GetValue(s_param) ?? [], recipe);
            }

            if (parsed.GetValue(s_force))
            {
                writer.WriteBoolean("force", true);
            }

            WriteNumber(writer, parsed.GetValue(s_priority), "priority");
            WriteNumber(writer, parsed.GetValue(s_maxAttempts), "max_attempts");
            WriteNumber(writer, parsed.GetValue(s_timeout), "timeout_s");
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes <c>tool</c>, or a recipe job's <c>recipe</c>/<c>recipe_id</c>, <c>inputs</c> and <c>outputs</c>; true for a recipe job.</summary>
    private static bool WriteWhatRuns(ParseResult parsed, Utf8JsonWriter writer)
    {
        var (tool, file, id) = (parsed.GetValue(s_tool), parsed.GetValue(s_recipe), parsed.GetValue(s_recipeId));
        if ((tool is null ? 0 : 1) + (file is null ? 0 : 1) + (id is null ? 0 : 1) != 1)
        {
            throw new UsageException("give a TOOL, --recipe FILE or --recipe-id ID (exactly one)");
        }

        if (tool is not null)
        {
            if (parsed.GetValue(s_input) is { Length: > 0 } || parsed.GetValue(s_output) is { Length: > 0 })
            {
                throw new UsageException("--input and --output are for recipe jobs; a tool's paths are its params");
            }

            writer.WriteString("tool", tool);
            return false;
        }

        if (file is not null)
        {
            writer.WritePropertyName("recipe");
            try
            {
                using var document = JsonDocument.Parse(File.Exists(file) ? File.ReadAllText(file) : throw new UsageException($"--recipe {file}: no such file"));
                document.WriteTo(writer);
            }
            catch (JsonException e)
            {
                throw new UsageException($"--recipe {file} is not JSON: {e.Message}");
            }
        }
        else
        {
            writer.WriteNumber("recipe_id", long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n : throw new UsageException($"--recipe-id '{id}' must be a recipe's id (a positive integer)"));
        }

        WriteMap(writer, "inputs", parsed.GetValue(s_input) ?? [], "--input", "NAME=PATH");
        WriteMap(writer, "outputs", parsed.GetValue(s_output) ?? [], "--output", "step:ID.output=PATH");
        return true;
    }

    private static void WriteMap(Utf8JsonWriter writer, string field, string[] pairs, string flag, string shape)
    {
        if (pairs.Length == 0)
        {
            return;
        }

        writer.WriteStartObject(field);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0)
            {
                throw new UsageException($"{flag} '{pair}' must be {shape}");
            }

            writer.WriteString(pair[..eq], pair[(eq + 1)..]);
        }

        writer.WriteEndObject();
    }

    /// <summary>The params object from <c>--param</c>: <c>KEY=VALUE</c>, or for a recipe job <c>STEP.KEY=VALUE</c> (keyed by step).</summary>
    private static void WriteParams(Utf8JsonWriter writer, string[] pairs, bool recipe)
    {
        var byStep = new Dictionary<string, List<(string Key, string Value)>>(StringComparer.Ordinal) { [""] = [] };
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0)
            {
                throw new UsageException($"--param '{pair}' must be {(recipe ? "STEP.KEY=VALUE" : "key=value")}");
            }

            var (step, key) = ("", pair[..eq]);
            if (recipe)
            {
                var dot = key.IndexOf('.');
                (step, key) = dot > 0 && dot < key.Length - 1 ? (key[..dot], key[(dot + 1)..]) : throw new UsageException($"--param '{pair}' must be STEP.KEY=VALUE for a recipe job");
            }

            (byStep.TryGetValue(step, out var list) ? list : byStep[step] = []).Add((key, pair[(eq + 1)..]));
        }

        writer.WriteStartObject();
        foreach (var (step, list) in byStep)
        {
            if (step.Length > 0)
            {
                writer.WriteStartObject(step);
            }

            foreach (var (key, value) in list)
            {
                writer.WritePropertyName(key);
                WriteValue(writer, value);
            }

            if (step.Length > 0)
            {
                writer.WriteEndObject();
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>Numbers, booleans, null, arrays and objects are written as JSON; anything else as a string.</summary>
    private static void WriteValue(Utf8JsonWriter writer, string value)
    {
        if (value.Length > 0 && (char.IsAsciiDigit(value[0]) || value[0] is '-' or '[' or '{' || value is "true" or "false" or "null"))
        {
            try
            {
                using var document = JsonDocument.Parse(value);
                document.WriteTo(writer);
                return;
            }
            catch (JsonException)
            {
                // Not JSON after all: a string such as "2024-01-01".
            }
        }

        writer.WriteStringValue(value);
    }

    private static void WriteNumber(Utf8JsonWriter writer, double? number, string field)
    {
        if (number is { } value)
        {
            writer.WriteNumber(field, value);
        }
    }
}
