using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary>
/// <c>edgejobs allocations [resume QUEUE]</c> (jobs:admin): the Slurm queues and the allocations the coordinator asked
/// for; <c>resume</c> lets a queue that paused after failures in a row ask for allocations again.
/// </summary>
internal static class AllocationsCommand
{
    public static Command Create()
    {
        var command = new Command("allocations", "the Slurm queues and allocations (jobs:admin)");
        var client = ClientFlags.AddTo(command);
        var queue = new Argument<string>("QUEUE") { Description = "the queue's name (edgejobs allocations)" };
        var resume = new Command("resume", "a queue paused after failures in a row asks for allocations again (fix the cause first)") { queue };
        resume.SetAction((parsed, _) => ShowAsync(parsed, client, parsed.GetValue(queue)));
        command.Subcommands.Add(resume);
        command.SetAction((parsed, _) => ShowAsync(parsed, client, null));
        return command;
    }

    private static async Task<int> ShowAsync(ParseResult parsed, ClientFlags client, string? resume)
    {
        {
            using var api = ApiClient.From(parsed, client);
            var answer = resume is null
                ? await api.GetAsync("v1/allocations").ConfigureAwait(false)
                : await api.PostAsync($"v1/allocations/queues/{Uri.EscapeDataString(resume)}/resume", null).ConfigureAwait(false);
            ApiClient.EnsureSuccess(answer);
            if (parsed.GetValue(client.Json))
            {
                Output.Json(answer.Body);
                return 0;
            }

            using var document = JsonDocument.Parse(answer.Body);
            var queues = document.RootElement.GetProperty("queues");
            Output.Table(["QUEUE", "STATE", "PENDING", "RUNNING", "PARTITION", "REASON"], [.. queues.EnumerateArray().Select(q => (IReadOnlyList<string>)
            [
                q.GetProperty("name").GetString()!, q.GetProperty("state").GetString()!, Number(q, "pending"), Number(q, "running"),
                q.GetProperty("partition").GetString()!, q.GetProperty("paused_reason").GetString() ?? "",
            ])]);
            if (queues.GetArrayLength() == 0)
            {
                Console.Error.WriteLine("no Slurm queue is configured (edgejobs coordinator --slurm-partition … --slurm-time-limit …)");
                return 0;
            }

            Console.Out.WriteLine();
            Output.Table(["SLURM JOB", "QUEUE", "STATE", "SLURM STATE", "WORKERS", "SUBMITTED", "ENDED", "REASON"],
                [.. document.RootElement.GetProperty("allocations").EnumerateArray().Select(a => (IReadOnlyList<string>)
                [
                    a.GetProperty("slurm_job_id").ValueKind == JsonValueKind.Number ? Number(a, "slurm_job_id") : "-",
                    a.GetProperty("queue").GetString()!, a.GetProperty("state").GetString()!, a.GetProperty("slurm_state").GetString() ?? "-",
                    Number(a, "workers"), Age(a, "submitted_at"), Age(a, "ended_at"), a.GetProperty("reason").GetString() ?? "",
                ])]);
            return 0;
        }
    }

    private static string Number(JsonElement e, string name) => e.GetProperty(name).GetInt64().ToString(CultureInfo.InvariantCulture);

    private static string Age(JsonElement e, string name) =>
        e.GetProperty(name).ValueKind == JsonValueKind.String ? Output.Age(e.GetProperty(name).GetDateTimeOffset()) : "-";
}
