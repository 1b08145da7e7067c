using System.CommandLine;
using System.Globalization;
using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary><c>edgejobs nodes [ls] | drain ID | enable ID</c> (jobs:admin).</summary>
internal static class NodesCommand
{
    public static Command Create()
    {
        var command = new Command("nodes", "the agents (jobs:admin); without a command, ls");
        var client = ClientFlags.AddTo(command);
        var list = new Command("ls", "every node with its state, slots and last heartbeat");
        list.Aliases.Add("list");
        command.Subcommands.Add(list);
        foreach (var (name, description) in new[] { ("drain", "no new jobs for this node; running ones finish"), ("enable", "the node takes jobs again") })
        {
            var id = new Argument<string>("ID") { Description = "the node's id (edgejobs nodes)" };
            var change = new Command(name, description) { id };
            change.SetAction((parsed, _) => RunAsync(parsed, client, name, parsed.GetValue(id)));
            command.Subcommands.Add(change);
        }

        command.SetAction((parsed, _) => RunAsync(parsed, client, "ls", null));
        list.SetAction((parsed, _) => RunAsync(parsed, client, "ls", null));
        command.WithNotes("States: ready, draining, down (not connected, or three heartbeats missed).");
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parsed, ClientFlags flags, string sub, string? id)
    {
        var json = parsed.GetValue(flags.Json);
        using var client = ApiClient.From(parsed, flags);
        switch (sub)
        {
            case "ls":
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
            default:
                var changed = await client.PostAsync($"v1/nodes/{Uri.EscapeDataString(id!)}/{sub}", null).ConfigureAwait(false);
                var node = ApiClient.Read(changed, RestJson.Lenient.NodeDto);
                Console.Out.WriteLine($"{node.Id} {node.Name}: {node.State}");
                return 0;
        }
    }
}
