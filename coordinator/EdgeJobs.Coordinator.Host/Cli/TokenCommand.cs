using System.CommandLine;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Protocol.Datasets;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary><c>edgejobs token create</c>: mints a token straight into the ledger and prints the secret alone on stdout.</summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var dataDir = Flags.RequiredText("--data-dir", "DIR", "the coordinator's data dir (its ledger)");
        var scopes = Flags.RequiredText("--scopes", "SCOPES", $"comma list of {string.Join(", ", Scopes.All)}");
        var name = Flags.Text("--name", "NAME", "the token's name, recorded as the owner of the jobs it submits (default: a random name)");
        var org = Flags.Text("--org", "ORG", "the org (tenant) the token acts in; it sees only that org's jobs and datasets, and jobs:admin acts on all of them", Orgs.Default);
        var datasets = Flags.Text("--datasets", "DS,DS", "narrow the token to these datasets of its org (default: every dataset of the org)");
        var create = new Command("create", "mint an API token into the ledger") { dataDir, scopes, name, org, datasets };
        create.WithNotes("""
            Prints the secret alone on stdout (for scripts); only its hash is stored.
            The admin and agent tokens minted at first start belong to no org and see every one.
            datasets:read and datasets:write act on the org's datasets; jobs:admin implies both.
            """);
        create.SetAction((parsed, _) => CreateAsync(parsed.GetValue(dataDir)!, parsed.GetValue(scopes)!, parsed.GetValue(name), parsed.GetValue(org)!, parsed.GetValue(datasets)));
        return new Command("token", "API tokens") { create };
    }

    private static async Task<int> CreateAsync(string dataDir, string scopeList, string? requestedName, string org, string? datasetList)
    {
        var scopes = scopeList
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
        foreach (var scope in scopes)
        {
            if (!Scopes.IsKnown(scope))
            {
                throw new UsageException($"--scopes: unknown scope '{scope}'; scopes are {string.Join(", ", Scopes.All)}");
            }
        }

        if (scopes.Length == 0)
        {
            throw new UsageException("--scopes must name at least one scope");
        }

        var name = requestedName ?? "token-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@'))
        {
            throw new UsageException("--name must be 1-64 characters of letters, digits, '-', '_', '.', '@'");
        }

        if (!Orgs.IsValid(org))
        {
            throw new UsageException($"--org '{org}' is not an org name: 1-63 of a-z, 0-9 and '-', not starting with '-'");
        }

        string[]? datasets = null;
        if (datasetList is not null)
        {
            datasets = datasetList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
            if (datasets.Length == 0)
            {
                throw new UsageException("--datasets must name at least one dataset");
            }

            if (datasets.FirstOrDefault(d => !DatasetNames.IsValid(d)) is { } bad)
            {
                throw new UsageException($"--datasets: '{bad}' is not a dataset name; a name {DatasetNames.Rule}");
            }
        }

        var ledgerPath = Path.Combine(dataDir, "ledger.db");
        if (!File.Exists(ledgerPath))
        {
            throw new CommandFailedException($"no ledger at {ledgerPath}; start the coordinator once with --data-dir {dataDir} first");
        }

        await using var ledger = JobLedger.Open(ledgerPath);
        var secret = TokenSecrets.Generate();
        var row = await ledger.CreateTokenAsync(name, scopes, TokenSecrets.Hash(secret), org, datasets).ConfigureAwait(false)
            ?? throw new CommandFailedException($"a token named '{name}' already exists; choose another --name");
        var narrowed = row.Datasets is null ? "" : $", narrowed to datasets {row.Datasets}";
        Console.Error.WriteLine($"created token '{row.Name}' in org '{row.Org}' with scopes {row.Scopes}{narrowed}; the secret follows on stdout and is not stored");
        Console.Out.WriteLine(secret);
        return 0;
    }
}
