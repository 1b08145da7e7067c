using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Auth;

public class TokenCacheTests
{
    [Test]
    public async Task a_token_minted_after_a_failed_lookup_works_at_once()
    {
        await using var f = new LedgerFixture();
        var cache = new TokenCache(f.Ledger, f.Clock);
        var secret = TokenSecrets.Generate();

        var before = await cache.FindAsync(secret);
        await f.Ledger.CreateTokenAsync("late", [Scopes.JobsRead], TokenSecrets.Hash(secret), Orgs.Default);
        var after = await cache.FindAsync(secret);

        await Assert.That(before).IsNull();
        await Assert.That(after!.Name).IsEqualTo("late");
        await Assert.That(after.Has(Scopes.JobsRead)).IsTrue();
        await Assert.That(after.Has(Scopes.JobsWrite)).IsFalse();
    }

    [Test]
    public async Task a_known_token_is_served_from_the_cache_until_its_lifetime_passes()
    {
        await using var f = new LedgerFixture();
        var cache = new TokenCache(f.Ledger, f.Clock);
        var secret = TokenSecrets.Generate();
        await f.Ledger.CreateTokenAsync("ci", [Scopes.JobsWrite], TokenSecrets.Hash(secret), Orgs.Default);

        var first = await cache.FindAsync(secret);
        var second = await cache.FindAsync(secret);
        f.Clock.Advance(TokenCache.Lifetime + TimeSpan.FromSeconds(1));
        var refreshed = await cache.FindAsync(secret);

        await Assert.That(ReferenceEquals(first, second)).IsTrue();
        await Assert.That(ReferenceEquals(first, refreshed)).IsFalse();
        await Assert.That(refreshed!.Name).IsEqualTo("ci");
    }
}
