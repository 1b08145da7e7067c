using Dapper;

namespace EdgeJobs.Coordinator.Ledger;

public sealed partial class JobLedger
{
    /// <summary>Stores a token by the hash of its secret. Null when the name is taken.</summary>
    /// <param name="org">The token's org; null for a global token.</param>
    /// <param name="datasets">The datasets of its org it is narrowed to; null for all of them.</param>
    public Task<TokenRow?> CreateTokenAsync(string name, IReadOnlyCollection<string> scopes, string hash, string? org, IReadOnlyCollection<string>? datasets = null) => WriteAsync(c =>
    {
        if (c.ExecuteScalar<long>("SELECT count(*) FROM tokens WHERE name = @Name", new { Name = name }) > 0)
        {
            return null;
        }

        return c.QuerySingle<TokenRow>(
            "INSERT INTO tokens (name, hash, scopes, org, datasets, created_at) VALUES (@Name, @Hash, @Scopes, @Org, @Datasets, @Now) RETURNING id, name, scopes, org, datasets, created_at, revoked_at",
            new { Name = name, Hash = hash, Scopes = string.Join(',', scopes), Org = org, Datasets = datasets is null ? null : string.Join(',', datasets), Now = Now() });
    });

    /// <summary>The live token with this hash, or null.</summary>
    public async Task<TokenRow?> FindTokenAsync(string hash)
    {
        await using var c = OpenReader();
        return c.QuerySingleOrDefault<TokenRow>(
            "SELECT id, name, scopes, org, datasets, created_at, revoked_at FROM tokens WHERE hash = @Hash AND revoked_at IS NULL",
            new { Hash = hash });
    }

    public async Task<bool> TokenNameExistsAsync(string name)
    {
        await using var c = OpenReader();
        return c.ExecuteScalar<long>("SELECT count(*) FROM tokens WHERE name = @Name", new { Name = name }) > 0;
    }
}
