using System.Diagnostics.CodeAnalysis;
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

/// <summary>
/// What an operation under an optional idempotency key came to: the answer to give, and what the
/// operation did — only when it ran now, not when a stored answer was replayed or the key refused.
/// </summary>
public readonly struct Idempotent<T>
{
    private readonly T _outcome;

    internal Idempotent(IdempotencyResult result, StoredAnswer? answer, T outcome)
    {
        Result = result;
        Answer = answer;
        _outcome = outcome;
    }

    public IdempotencyResult Result { get; }

    /// <summary>The answer to give; null only for <see cref="IdempotencyResult.KeyReused"/>.</summary>
    public StoredAnswer? Answer { get; }

    /// <summary>
    /// What the operation did, when it ran now. A replay ran nothing, so whatever follows an operation
    /// (a log line, a kick, a push, a file removed) must not follow it again.
    /// </summary>
    public bool RanNow([MaybeNullWhen(false)] out T outcome)
    {
        outcome = _outcome;
        return Result == IdempotencyResult.Fresh;
    }
}

public sealed partial class JobLedger
{
    /// <summary>
    /// Runs <paramref name="operation"/> at most once per idempotency key. The lookup, the operation and
    /// the stored answer share one transaction of the single writer, so concurrent replays of a key
    /// cannot both run it. Only successful (2xx) answers are stored: a refusal changed nothing, and
    /// may succeed when retried. <paramref name="answer"/> must be pure: like the operation, it may run
    /// twice (the first run rolled back).
    /// </summary>
    private Task<Idempotent<T>> IdempotentAsync<T>(IdempotencyRequest? request, Func<SqliteConnection, T> operation, Func<T, StoredAnswer> answer)
    {
        if (request is null)
        {
            return WriteThenAnswerAsync(operation, answer);
        }

        return WriteAsync(c =>
        {
            var now = Now();
            var stored = c.QuerySingleOrDefault<StoredKeyRow>(
                "SELECT fingerprint, status, location, body FROM idempotency_keys WHERE owner = @Owner AND key = @Key AND expires_at > @Now",
                new { request.Owner, request.Key, Now = now });
            if (stored is not null)
            {
                return stored.Fingerprint == request.Fingerprint
                    ? new Idempotent<T>(IdempotencyResult.Replayed, new StoredAnswer(stored.Status, stored.Location, stored.Body), default!)
                    : new Idempotent<T>(IdempotencyResult.KeyReused, null, default!);
            }

            var outcome = operation(c);
            var given = answer(outcome);
            if (given.Status is >= 200 and < 300)
            {
                StoreAnswer(c, request, given, now);
            }

            return new Idempotent<T>(IdempotencyResult.Fresh, given, outcome);
        });
    }

    // Not cached: an answer is often longer than 4000 characters, and a cached command would cut it to the size the first
    // (shorter) one was given, so a replay would answer broken JSON (see JobLedger.Recipes' SpawnStepJobs).
    [CacheCommand(false)]
    private static void StoreAnswer(SqliteConnection c, IdempotencyRequest request, StoredAnswer given, long now) => c.Execute("""
        INSERT OR REPLACE INTO idempotency_keys (owner, key, fingerprint, status, location, body, created_at, expires_at)
        VALUES (@Owner, @Key, @Fingerprint, @Status, @Location, @Body, @Now, @ExpiresAt)
        """, new
    {
        request.Owner,
        request.Key,
        request.Fingerprint,
        given.Status,
        given.Location,
        given.Body,
        Now = now,
        ExpiresAt = now + (long)request.KeepFor.TotalMilliseconds,
    });

    /// <summary>No key, nothing to store: the answer is shaped once the write is done, off the writer's thread.</summary>
    private async Task<Idempotent<T>> WriteThenAnswerAsync<T>(Func<SqliteConnection, T> operation, Func<T, StoredAnswer> answer)
    {
        var outcome = await WriteAsync(operation).ConfigureAwait(false);
        return new Idempotent<T>(IdempotencyResult.Fresh, answer(outcome), outcome);
    }

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
