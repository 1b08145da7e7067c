using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary><c>edgejobs submit TOOL --param k=v ... [--wait]</c></summary>
internal static class SubmitVerb
{
    public static async Task<int> RunAsync(CliArgs args)
    {
        if (args.Positionals.Count != 1)
        {
            throw new UsageException("usage: edgejobs submit TOOL [--param key=value]... [--wait]");
        }

        var body = BuildBody(args);
        var wait = args.Has("wait");
        var json = args.Has("json");
        using var client = ApiClient.FromArgs(args);
        args.RejectUnknown();

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

    private static string BuildBody(CliArgs args)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("tool", args.Positionals[0]);
            if (args.Get("version") is { } version)
            {
                writer.WriteString("version", version);
            }

            writer.WritePropertyName("params");
            if (args.Get("params-json") is { } raw)
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
                writer.WriteStartObject();
                foreach (var pair in args.GetAll("param"))
                {
                    var eq = pair.IndexOf('=');
                    if (eq <= 0)
                    {
                        throw new UsageException($"--param '{pair}' must be key=value");
                    }

                    writer.WritePropertyName(pair[..eq]);
                    WriteValue(writer, pair[(eq + 1)..]);
                }

                writer.WriteEndObject();
            }

            if (args.Has("force"))
            {
                writer.WriteBoolean("force", true);
            }

            WriteNumber(writer, args, "priority", "priority");
            WriteNumber(writer, args, "max-attempts", "max_attempts");
            WriteNumber(writer, args, "timeout", "timeout_s");
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
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

    private static void WriteNumber(Utf8JsonWriter writer, CliArgs args, string flag, string field)
    {
        if (args.Get(flag) is not { } raw)
        {
            return;
        }

        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            throw new UsageException($"--{flag} must be a number, not '{raw}'");
        }

        writer.WriteNumber(field, number);
    }
}
