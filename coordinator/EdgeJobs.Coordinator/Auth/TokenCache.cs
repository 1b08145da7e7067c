using System.Collections.Concurrent;
using EdgeJobs.Coordinator.Ledger;

namespace EdgeJobs.Coordinator.Auth;

/// <summary>
/// Known tokens for a few seconds, so a busy client does not cost a ledger read per request. Only
/// successful lookups are kept (a token minted a moment ago is found at once); a revoked or deleted
/// token stops working within <see cref="Lifetime"/>.
/// </summary>
internal sealed class TokenCache(JobLedger ledger, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (Principal Principal, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    /// <summary>The dashboard's sign-ins: another way to present a known token, resolved through this cache.</summary>
    public DashboardSessions Sessions { get; } = new(time);

    public Task<Principal?> FindAsync(string secret) => FindByHashAsync(TokenSecrets.Hash(secret));

    /// <summary>A token by its stored form (what a dashboard session keeps instead of the secret).</summary>
    public async Task<Principal?> FindByHashAsync(string hash)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(hash, out var entry) && entry.Until > now)
        {
            return entry.Principal;
        }

        var row = await ledger.FindTokenAsync(hash).ConfigureAwait(false);
        if (row is null)
        {
            _entries.TryRemove(hash, out _);
            return null;
        }

        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        var principal = new Principal(row.Id, row.Name, Principal.ParseScopes(row.Scopes), row.Org)
        {
            Datasets = row.Datasets is null ? null : Principal.ParseScopes(row.Datasets),
        };
        _entries[hash] = (principal, now + Lifetime);
        return principal;
    }
}
