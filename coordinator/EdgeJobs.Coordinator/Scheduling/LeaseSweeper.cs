using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator.Scheduling;

/// <summary>
/// Periodically ends leases and offers whose time has passed. Driven by the ledger's own columns, so a
/// restart loses nothing: the next sweep finds whatever expired while the coordinator was down.
/// </summary>
internal sealed class LeaseSweeper(Ledger.Ledger ledger, TimeSpan interval, TimeProvider time, ILogger logger)
{
    public async Task RunAsync(CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(interval, time);
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
