using System.Text.Json;
using EdgeJobs.Hosting.CommandLine;

namespace EdgeJobs.Coordinator.Slurm;

/// <summary>
/// <c>--slurm-config FILE</c>: more allocation queues, as JSON (README "HPC"):
/// <code>
/// {"queues": [{"name": "big", "partition": "compute", "time_limit": "2h", "account": "geo",
///              "workers_per_allocation": 4, "slots_per_worker": 8, "max_allocations": 8, "backlog": 2,
///              "idle_timeout": "5m", "max_failures": 3, "labels": {"site": "hpc"}, "tools": ["reproject", "build"],
///              "sbatch_args": ["--qos=normal"], "agent": "/opt/edgejobs/edgejobs-agent"}]}
/// </code>
/// Only <c>name</c>, <c>partition</c> and <c>time_limit</c> are required. An unknown field is an error, so a typo
/// never silently means a default.
/// </summary>
public static class SlurmConfigFile
{
    /// <exception cref="UsageException">The file cannot be read or a queue is wrong; the message names the file and the field.</exception>
    public static IReadOnlyList<SlurmQueue> Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--slurm-config {path}: {e.Message}");
        }

        try
        {
            return Parse(text);
        }
        catch (Exception e) when (e is JsonException or FormatException or UsageException or InvalidOperationException)
        {
            throw new UsageException($"--slurm-config {path}: {e.Message}");
        }
    }

    public static IReadOnlyList<SlurmQueue> Parse(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("queues", out var queues) || queues.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("expected {\"queues\": [...]}");
        }

        var result = new List<SlurmQueue>();
        var index = 0;
        foreach (var element in queues.EnumerateArray())
        {
            result.Add(Queue(element, $"queues[{index++}]"));
        }

        return result;
    }

    private static SlurmQueue Queue(JsonElement e, string at)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{at} must be an object");
        }

        var known = new HashSet<string>(StringComparer.Ordinal)
        {
            "name", "partition", "account", "time_limit", "workers_per_allocation", "slots_per_worker", "max_allocations", "backlog",
            "idle_timeout", "max_failures", "labels", "tools", "sbatch_args", "agent",
        };
        foreach (var property in e.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                throw new FormatException($"{at}.{property.Name} is not a queue setting");
            }
        }

        var queue = new SlurmQueue
        {
            Name = Text(e, at, "name") ?? throw new FormatException($"{at}.name is required"),
            Partition = Text(e, at, "partition") ?? throw new FormatException($"{at}.partition is required"),
            Account = Text(e, at, "account"),
            TimeLimit = Duration(e, at, "time_limit") ?? throw new FormatException($"{at}.time_limit is required"),
            WorkersPerAllocation = Int(e, at, "workers_per_allocation") ?? 1,
            SlotsPerWorker = Int(e, at, "slots_per_worker") ?? 1,
            MaxAllocations = Int(e, at, "max_allocations") ?? 4,
            Backlog = Int(e, at, "backlog") ?? 1,
            IdleTimeout = Duration(e, at, "idle_timeout") ?? TimeSpan.FromMinutes(5),
            MaxFailures = Int(e, at, "max_failures") ?? 3,
            Labels = e.TryGetProperty("labels", out var labels) ? Labels(labels, $"{at}.labels") : new Dictionary<string, string>(),
            Tools = e.TryGetProperty("tools", out var tools) ? Strings(tools, $"{at}.tools") : null,
            SbatchArgs = e.TryGetProperty("sbatch_args", out var args) ? Strings(args, $"{at}.sbatch_args") : [],
            Agent = Text(e, at, "agent"),
        };
        return queue.Problem() is { } problem ? throw new FormatException(problem) : queue;
    }

    private static string? Text(JsonElement e, string at, string name) =>
        !e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new FormatException($"{at}.{name} must be a string");

    private static int? Int(JsonElement e, string at, string name) =>
        !e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n
        : throw new FormatException($"{at}.{name} must be an integer");

    private static TimeSpan? Duration(JsonElement e, string at, string name)
    {
        if (Text(e, at, name) is not { } raw)
        {
            return null;
        }

        try
        {
            return Durations.Parse(raw);
        }
        catch (UsageException ex)
        {
            throw new FormatException($"{at}.{name}: {ex.Message}");
        }
    }

    private static List<string> Strings(JsonElement e, string at) =>
        e.ValueKind == JsonValueKind.Array && e.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String)
            ? [.. e.EnumerateArray().Select(v => v.GetString()!)]
            : throw new FormatException($"{at} must be an array of strings");

    private static Dictionary<string, string> Labels(JsonElement e, string at) =>
        e.ValueKind == JsonValueKind.Object && e.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.String)
            ? e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)
            : throw new FormatException($"{at} must be an object of strings");
}
