using System.Text;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Ledger;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Slurm;

/// <summary>
/// <c>GET /v1/allocations</c> (jobs:admin): the queues with their state and limits, and the allocations, open ones and
/// the latest ended ones, newest first. Shape fixed by issue 17: <c>{queues: [{name, state, paused_reason, …}],
/// allocations: [{slurm_job_id, queue, state, workers, submitted_at, started_at, ended_at, …}]}</c>.
/// </summary>
internal sealed class AllocationsApi(JobLedger ledger, Allocator? allocator)
{
    public async Task<IResult> ListAsync()
    {
        var rows = allocator is null ? [] : await ledger.ListAllocationsAsync().ConfigureAwait(false);
        var json = JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("queues");
            foreach (var q in allocator?.Queues ?? [])
            {
                var queue = q.Queue;
                var open = rows.Where(r => r.Queue == queue.Name && r.EndedAt is null).ToList();
                w.WriteStartObject();
                w.WriteString("name", queue.Name);
                w.WriteString("state", q.PausedReason is null ? "active" : "paused");
                w.WriteString("paused_reason", q.PausedReason);
                w.WriteNumber("consecutive_failures", q.ConsecutiveFailures);
                w.WriteString("partition", queue.Partition);
                w.WriteString("account", queue.Account);
                w.WriteNumber("time_limit_s", (long)queue.TimeLimit.TotalSeconds);
                w.WriteNumber("workers_per_allocation", queue.WorkersPerAllocation);
                w.WriteNumber("slots_per_worker", queue.SlotsPerWorker);
                w.WriteNumber("max_allocations", queue.MaxAllocations);
                w.WriteNumber("backlog", queue.Backlog);
                w.WriteNumber("idle_timeout_s", (long)queue.IdleTimeout.TotalSeconds);
                w.WriteNumber("pending", open.Count(r => r.State == "pending"));
                w.WriteNumber("running", open.Count(r => r.State == "running"));
                w.WriteNumber("submitted", allocator!.Submitted(queue.Name));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("allocations");
            foreach (var r in rows)
            {
                w.WriteStartObject();
                w.WriteNumber("id", r.Id);
                if (r.SlurmJobId is { } job)
                {
                    w.WriteNumber("slurm_job_id", job);
                }
                else
                {
                    w.WriteNull("slurm_job_id");
                }

                w.WriteString("queue", r.Queue);
                w.WriteString("state", r.State);
                w.WriteString("slurm_state", r.SlurmState);
                w.WriteNumber("workers", r.Workers);
                Time(w, "submitted_at", r.SubmittedAt);
                Time(w, "started_at", r.StartedAt);
                Time(w, "ended_at", r.EndedAt);
                w.WriteString("reason", r.Reason);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
        return Results.Text(json, "application/json", Encoding.UTF8);
    }

    /// <summary><c>POST /v1/allocations/queues/{name}/resume</c>: a paused queue may ask for allocations again; answers the queues as the list does.</summary>
    public async Task<IResult> ResumeAsync(HttpContext http, string name)
    {
        if (allocator is null || !allocator.Resume(name, Auth.ScopeFilter.Current(http).Name))
        {
            return Problems.Of(404, "queue_not_found", "No such queue", allocator is null
                ? "no Slurm queue is configured (edgejobs coordinator --slurm-partition … --slurm-time-limit …)"
                : $"no Slurm queue is named '{Problems.Truncate(name)}'; the queues: {string.Join(", ", allocator.Queues.Select(q => q.Queue.Name))}");
        }

        return await ListAsync().ConfigureAwait(false);
    }

    private static void Time(System.Text.Json.Utf8JsonWriter w, string name, long? unixMs)
    {
        if (unixMs is { } ms)
        {
            w.WriteString(name, JobMapper.Time(ms));
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
