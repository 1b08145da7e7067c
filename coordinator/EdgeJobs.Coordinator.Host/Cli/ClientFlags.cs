using System.CommandLine;
using EdgeJobs.Hosting.CommandLine;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary>The flags of every client verb (they speak REST API v1), passed down to its subcommands.</summary>
internal sealed class ClientFlags
{
    public Option<string?> Url { get; } = Flags.Text("--url", "URL", "the coordinator's REST address", "http://127.0.0.1:8080");

    public Option<string?> TokenFile { get; } = Flags.Text("--token-file", "FILE",
        "bearer token file; EDGEJOBS_TOKEN may hold the secret itself; without either, DATA_DIR/admin.token when it exists");

    public Option<string?> DataDir { get; } = Flags.Text("--data-dir", "DIR", "where `edgejobs up` keeps its admin token, read when no token is given", "edgejobs-data");

    public Option<bool> Json { get; } = Flags.Switch("--json", "print the API's JSON instead of a table");

    /// <summary>Adds the flags to <paramref name="command"/> and, recursively, to its subcommands.</summary>
    public static ClientFlags AddTo(Command command)
    {
        var flags = new ClientFlags();
        foreach (var option in new Option[] { flags.Url, flags.TokenFile, flags.DataDir, flags.Json })
        {
            option.Recursive = true;
            command.Options.Add(option);
        }

        return flags;
    }

    /// <summary>Runs a client verb's work with an <see cref="ApiClient"/> made from these flags and whether <c>--json</c> was given.</summary>
    public async Task<int> RunAsync(ParseResult parsed, Func<ApiClient, bool, Task<int>> run)
    {
        using var client = ApiClient.From(parsed, this);
        return await run(client, parsed.GetValue(Json)).ConfigureAwait(false);
    }
}
