using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary><c>edgejobs token create</c>: mints a token straight into the ledger and prints the secret alone on stdout.</summary>
internal static class TokenVerb
{
    public static async Task<int> RunAsync(CliArgs args)
    {
        if (args.Positionals.Count != 1 || args.Positionals[0] != "create")
        {
            throw new UsageException("usage: edgejobs token create --data-dir DIR --scopes jobs:read,jobs:write [--name NAME] [--org ORG]");
        }

        var dataDir = args.Get("data-dir") ?? throw new UsageException("--data-dir is required (or EDGEJOBS_DATA_DIR)");
        var scopes = (args.Get("scopes") ?? throw new UsageException("--scopes is required, e.g. --scopes jobs:read,jobs:write"))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
        foreach (var scope in scopes)
        {
            if (!Scopes.IsKnown(scope))
            {
                throw new UsageException($"unknown scope '{scope}'; scopes are {string.Join(", ", Scopes.All)}");
            }
        }

        if (scopes.Length == 0)
        {
            throw new UsageException("--scopes must name at least one scope");
        }

        var name = args.Get("name") ?? "token-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@'))
        {
            throw new UsageException("--name must be 1-64 characters of letters, digits, '-', '_', '.', '@'");
        }

        var org = args.Get("org") ?? Orgs.Default;
        if (!Orgs.IsValid(org))
        {
            throw new UsageException($"--org '{org}' is not an org name: 1-63 of a-z, 0-9 and '-', not starting with '-'");
        }

        args.RejectUnknown();
        var ledgerPath = Path.Combine(dataDir, "ledger.db");
        if (!File.Exists(ledgerPath))
        {
            throw new CliException($"no ledger at {ledgerPath}; start the coordinator once with --data-dir {dataDir} first");
        }

        await using var ledger = JobLedger.Open(ledgerPath);
        var secret = TokenSecrets.Generate();
        var row = await ledger.CreateTokenAsync(name, scopes, TokenSecrets.Hash(secret), org).ConfigureAwait(false)
            ?? throw new CliException($"a token named '{name}' already exists; choose another --name");
        Console.Error.WriteLine($"created token '{row.Name}' in org '{row.Org}' with scopes {row.Scopes}; the secret follows on stdout and is not stored");
        Console.Out.WriteLine(secret);
        return 0;
    }
}
