using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary><c>edgejobs allocations</c> (jobs:admin): the Slurm queues and the allocations the coordinator asked for.</summary>
internal static class AllocationsCommand
{
    public static Command Create()
    {
        var command = new Command("allocations", "the Slurm queues and allocations (jobs:admin)");
        var client = ClientFlags.AddTo(command);
        command.SetAction(async (parsed, _) =>
        {
            using var api = ApiClient.From(parsed, client);
            var answer = await api.GetAsync("v1/allocations").ConfigureAwait(false);
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
        });
        return command;
    }

    private static string Number(JsonElement e, string name) => e.GetProperty(name).GetInt64().ToString(CultureInfo.InvariantCulture);

    private static string Age(JsonElement e, string name) =>
        e.GetProperty(name).ValueKind == JsonValueKind.String ? Output.Age(e.GetProperty(name).GetDateTimeOffset()) : "-";
}
