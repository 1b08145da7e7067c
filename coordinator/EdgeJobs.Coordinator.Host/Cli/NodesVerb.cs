using System.Globalization;
using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary><c>edgejobs nodes [ls] | drain ID | enable ID</c> (jobs:admin).</summary>
internal static class NodesVerb
{
    public static async Task<int> RunAsync(CliArgs args)
    {
        var sub = args.Positionals.Count > 0 ? args.Positionals[0] : "ls";
        var json = args.Has("json");
        using var client = ApiClient.FromArgs(args);
        args.RejectUnknown();
        switch (sub)
        {
            case "ls" or "list":
                var answer = await client.GetAsync("v1/nodes").ConfigureAwait(false);
                if (json)
                {
                    ApiClient.EnsureSuccess(answer);
                    Output.Json(answer.Body);
                    return 0;
                }

                var nodes = ApiClient.Read(answer, RestJson.Lenient.NodeListDto).Nodes;
                Output.Table(["ID", "NAME", "STATE", "SLOTS", "RUNNING", "LAST HEARTBEAT"],
                    nodes.Select(n => (IReadOnlyList<string>)
                    [
                        n.Id.ToString(CultureInfo.InvariantCulture), n.Name, n.State,
                        n.Slots.ToString(CultureInfo.InvariantCulture), n.RunningJobs.ToString(CultureInfo.InvariantCulture),
                        n.LastHeartbeatAt is { } at ? Output.Age(at) : "-",
                    ]));
                if (nodes.Count == 0)
                {
                    Console.Error.WriteLine("no agent has connected yet");
                }

                return 0;
            case "drain" or "enable":
                if (args.Positionals.Count != 2)
                {
                    throw new UsageException($"usage: edgejobs nodes {sub} ID");
                }

                var changed = await client.PostAsync($"v1/nodes/{Uri.EscapeDataString(args.Positionals[1])}/{sub}", null).ConfigureAwait(false);
                var node = ApiClient.Read(changed, RestJson.Lenient.NodeDto);
                Console.Out.WriteLine($"{node.Id} {node.Name}: {node.State}");
                return 0;
            default:
                throw new UsageException($"unknown nodes command '{sub}'; use ls, drain or enable");
        }
    }
}
