using Dapper;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>An <c>Idempotency-Key</c> on a request: per owner, with a fingerprint of the request it first came with.</summary>
public sealed record IdempotencyRequest(string Owner, string Key, string Fingerprint, TimeSpan KeepFor);

/// <summary>An HTTP answer as first given, replayed byte for byte.</summary>
public sealed record StoredAnswer(int Status, string? Location, string Body);

public enum IdempotencyResult
{
    /// <summary>The operation ran now.</summary>
    Fresh,
    /// <summary>The key was seen with the same request: the first answer is returned, nothing ran.</summary>
    Replayed,
    /// <summary>The key was seen with a different request: refused, nothing ran.</summary>
    KeyReused,
}

public sealed partial class JobLedger
{
    /// <summary>
    /// Runs <paramref name="operation"/> at most once per idempotency key. The lookup, the operation and
    /// the stored answer share one transaction of the single writer, so concurrent replays of a key
    /// cannot both run it. Only successful (2xx) answers are stored: a refusal changed nothing, and
    /// may succeed when retried.
    /// </summary>
    internal Task<(IdempotencyResult Result, StoredAnswer? Answer)> IdempotentAsync(
        IdempotencyRequest? request, Func<SqliteConnection, StoredAnswer> operation) => WriteAsync(c =>
    {
        if (request is null)
        {
            return (IdempotencyResult.Fresh, (StoredAnswer?)operation(c));
        }

        var now = Now();
        var stored = c.QuerySingleOrDefault<StoredKeyRow>(
            "SELECT fingerprint, status, location, body FROM idempotency_keys WHERE owner = @Owner AND key = @Key AND expires_at > @Now",
            new { request.Owner, request.Key, Now = now });
        if (stored is not null)
        {
            return stored.Fingerprint == request.Fingerprint
                ? (IdempotencyResult.Replayed, new StoredAnswer(stored.Status, stored.Location, stored.Body))
                : (IdempotencyResult.KeyReused, null);
        }

        var answer = operation(c);
        if (answer.Status is >= 200 and < 300)
        {
            c.Execute("""
                INSERT OR REPLACE INTO idempotency_keys (owner, key, fingerprint, status, location, body, created_at, expires_at)
                VALUES (@Owner, @Key, @Fingerprint, @Status, @Location, @Body, @Now, @ExpiresAt)
                """, new
            {
                request.Owner,
                request.Key,
                request.Fingerprint,
                answer.Status,
                answer.Location,
                answer.Body,
                Now = now,
                ExpiresAt = now + (long)request.KeepFor.TotalMilliseconds,
            });
        }

        return (IdempotencyResult.Fresh, answer);
    });

    /// <summary>Forgets idempotency keys past their lifetime.</summary>
    public Task<int> PurgeIdempotencyKeysAsync() =>
        WriteAsync(c => c.Execute("DELETE FROM idempotency_keys WHERE expires_at <= @Now", new { Now = Now() }));

    internal sealed class StoredKeyRow
    {
        public string Fingerprint { get; set; } = "";
        public int Status { get; set; }
        public string? Location { get; set; }
        public string Body { get; set; } = "";
    }
}
