namespace EdgeJobs.Coordinator.Ledger;

public sealed record LedgerOptions
{
    /// <summary>How long an agent has to accept a grant before it is offered elsewhere.</summary>
    public TimeSpan OfferTtl { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a lease lives without a renewal.</summary>
    public TimeSpan LeaseTtl { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    public int DefaultMaxAttempts { get; init; } = 3;

    /// <summary>Log lines kept per job; older ones are dropped and reported as <c>truncated_from_tail</c>.</summary>
    public int LogLinesKept { get; init; } = 10_000;

    /// <summary>
    /// Whether every commit is synced to disk (the write-ahead log, fdatasync) before its caller hears of it,
    /// so it survives power loss; group commit keeps it cheap. Without it the ledger is still safe across
    /// process crashes (WAL mode), not across power loss.
    /// </summary>
    public bool Durable { get; init; } = true;
}
