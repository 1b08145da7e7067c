using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator.Auth;

/// <summary>
/// On first start, mints <c>admin.token</c> (all job scopes) and <c>agent.token</c> (scope <c>agent</c>)
/// into the data dir, mode 0600. Both are global: they belong to no org and see every org. Logs the paths, never the secrets.
/// </summary>
internal static class TokenBootstrap
{
    public static readonly string[] AdminScopes = [Scopes.JobsRead, Scopes.JobsWrite, Scopes.JobsAdmin];
    public static readonly string[] AgentScopes = [Scopes.Agent];

    public static async Task EnsureAsync(JobLedger ledger, CoordinatorOptions options, ILogger logger)
    {
        await EnsureOneAsync(ledger, options, "admin", AdminScopes, options.AdminTokenPath, logger).ConfigureAwait(false);
        await EnsureOneAsync(ledger, options, "agent", AgentScopes, options.AgentTokenPath, logger).ConfigureAwait(false);
    }

    private static async Task EnsureOneAsync(JobLedger ledger, CoordinatorOptions options, string name, string[] scopes, string path, ILogger logger)
    {
        if (await ledger.TokenNameExistsAsync(name).ConfigureAwait(false))
        {
            if (!File.Exists(path))
            {
                logger.TokenFileMissing(path, options.DataDir, string.Join(',', scopes));
            }

            return;
        }

        var secret = TokenSecrets.Generate();
        await WriteSecretFileAsync(path, secret).ConfigureAwait(false);
        await ledger.CreateTokenAsync(name, scopes, TokenSecrets.Hash(secret), org: null).ConfigureAwait(false);
        logger.TokenFileCreated(path, string.Join(',', scopes));
    }

    /// <summary>Writes a secret to a new file readable by its owner only (replacing a stale one).</summary>
    public static async Task WriteSecretFileAsync(string path, string secret)
    {
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temporary, fileOptions))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(secret + "\n").ConfigureAwait(false);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
