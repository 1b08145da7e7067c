using System.Text;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Ledger;

namespace EdgeJobs.Coordinator.Slurm;

/// <summary>The Slurm gauges of <c>/metrics</c>: allocations by queue and state, paused queues, submissions so far.</summary>
internal static class AllocationMetrics
{
    public static async Task WriteAsync(StringBuilder text, JobLedger ledger, Allocator allocator)
    {
        var open = await ledger.ListOpenAllocationsAsync().ConfigureAwait(false);
        MetricsApi.Header(text, "edgejobs_slurm_allocations", "gauge", "Slurm allocations not yet ended, by queue and state (pending: in Slurm's queue).");
        foreach (var q in allocator.Queues)
        {
            foreach (var state in new[] { "pending", "running" })
            {
                text.Append("edgejobs_slurm_allocations{queue=\"").Append(q.Queue.Name).Append("\",state=\"").Append(state).Append("\"} ")
                    .Append(open.Count(a => a.Queue == q.Queue.Name && a.State == state)).Append('\n');
            }
        }

        MetricsApi.Header(text, "edgejobs_slurm_queue_paused", "gauge", "1 when a queue paused after failures in a row (GET /v1/allocations says why).");
        foreach (var q in allocator.Queues)
        {
            MetricsApi.Sample(text, "edgejobs_slurm_queue_paused", ("queue", q.Queue.Name), q.PausedReason is null ? 0 : 1);
        }

        MetricsApi.Header(text, "edgejobs_slurm_allocations_submitted_total", "counter", "Allocations submitted to Slurm since the coordinator started.");
        foreach (var q in allocator.Queues)
        {
            MetricsApi.Sample(text, "edgejobs_slurm_allocations_submitted_total", ("queue", q.Queue.Name), allocator.Submitted(q.Queue.Name));
        }
    }
}
