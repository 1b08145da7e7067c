using EdgeJobs.Coordinator.Artifacts;
using EdgeJobs.Coordinator.Credits;
using EdgeJobs.Coordinator.Ledger;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator.Scheduling;

/// <summary>
/// Periodically ends leases and offers whose time has passed, stops jobs past their timeout, and
/// forgets expired idempotency keys and artifacts. Driven by the ledger, so nothing is lost on restart. Driven by the ledger's own columns, so a
/// restart loses nothing: the next sweep finds whatever expired while the coordinator was down.
/// </summary>
internal sealed class LeaseSweeper(JobLedger ledger, Dispatcher dispatcher, ArtifactStore artifacts, PriceTable prices, TimeSpan interval, TimeProvider time, ILogger logger)
{
    public async Task RunAsync(CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(interval, time);
        var ticks = 0L;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellation).ConfigureAwait(false))
            {
                try
                {
                    var changed = await ledger.ExpireLeasesAsync().ConfigureAwait(false);
                    if (changed > 0)
                    {
                        logger.LeasesExpired(changed);
                        dispatcher.Kick();
                    }

                    foreach (var job in await ledger.TimeOutDueJobsAsync().ConfigureAwait(false))
                    {
                        logger.JobTimedOut(job.Id, job.TimeoutMs ?? 0, job.LeaseNodeId);
                        dispatcher.PushStop(job.LeaseNodeId, job.Id, job.Fence);
                    }

                    // Idempotency keys and artifacts live for hours; sweeping them every ten seconds is plenty.
                    if (++ticks % 10 == 0)
                    {
                        await ledger.PurgeIdempotencyKeysAsync().ConfigureAwait(false);
                        foreach (var expired in await ledger.ExpireArtifactsAsync().ConfigureAwait(false))
                        {
                            artifacts.Delete(expired.JobId);
                        }

                        foreach (var settled in await ledger.SettleUnregisteredAsync(prices.Of).ConfigureAwait(false))
                        {
                            logger.JobSettledUnregistered(settled.JobId, settled.Why, CreditAmounts.ToCredits(settled.Charged),
                                CreditAmounts.ToCredits(settled.Reserved), settled.Workspace);
                        }
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException and not ObjectDisposedException)
                {
                    logger.SweepFailed(e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}
