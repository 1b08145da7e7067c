namespace EdgeJobs.Hosting;

/// <summary>Capped exponential backoff with jitter, so retries of many jobs do not arrive in lockstep.</summary>
public static class Backoff
{
    /// <param name="attempt">The attempt that just failed (1 for the first).</param>
    /// <returns>A delay in [cap/2, cap] where cap = min(max, base · 2^(attempt-1)).</returns>
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double random01)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var cap = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(cap * (0.5 + (0.5 * random01)));
    }
}
