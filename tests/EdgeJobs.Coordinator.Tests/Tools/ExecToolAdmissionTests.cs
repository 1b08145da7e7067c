using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using EdgeJobs.Protocol.Link;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Tools;

/// <summary>
/// The coordinator never trusts an agent's exec tools: every manifest in a Hello is parsed and checked again, and a
/// tool it refuses is neither served nor offered to that agent. Played over a raw link socket, so the agent can lie.
/// </summary>
public class ExecToolAdmissionTests
{
    private const string Good = """{"id":"say","version":"1","title":"Echo","params_schema":{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]},"argv":["echo","{text}"]}""";

    private static async Task<PipeReader> HelloAsync(ApiServer api, Socket socket, string name, ToolVersion[] tools, string[] manifests)
    {
        await socket.ConnectAsync(api.Server.LinkAddress);
        var stream = new NetworkStream(socket, ownsSocket: false);
        var input = PipeReader.Create(stream);
        await stream.WriteAsync(LinkFrames.Encode(new Hello(LinkProtocol.Version, api.Agent, name + "-key", name, [], tools, 1, [], DatasetAccess.None, AgentFeatures.None, manifests)));
        await Assert.That(await LinkFrames.ReadOneAsync(input, CancellationToken.None)).IsTypeOf<Welcome>();
        return input;
    }

    private static async Task<Dictionary<string, List<string>>> NodeToolsAsync(ApiServer api)
    {
        using var nodes = await api.GetAsync("v1/nodes", api.Admin);
        using var body = JsonDocument.Parse(await nodes.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("nodes").EnumerateArray()
            .ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("id").GetString()!).ToList());
    }

    [Test]
    public async Task manifests_that_fail_the_coordinators_checks_are_neither_served_nor_offered()
    {
        await using var api = await ApiServer.StartAsync();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        string[] manifests =
        [
            Good,
            "{\"id\":\"broken\",", // not JSON
            Good.Replace("\"echo\",\"{text}\"", "\"sh\",\"-c\",\"{nope}\"", StringComparison.Ordinal).Replace("\"id\":\"say\"", "\"id\":\"shell\"", StringComparison.Ordinal),
            Good.Replace("\"id\":\"say\"", "\"id\":\"sleep\"", StringComparison.Ordinal), // a built-in's id
            Good.Replace("\"id\":\"say\"", "\"id\":\"fancy\"", StringComparison.Ordinal).Replace("{\"type\":\"string\"}", "{\"type\":\"string\",\"format\":\"uri\"}", StringComparison.Ordinal),
        ];
        _ = await HelloAsync(api, socket, "liar", [new("sleep", "1"), new("say", "1"), new("broken", "1"), new("shell", "1"), new("fancy", "1")], manifests);

        using var tools = await api.GetAsync("v1/tools", api.Bob);
        var listed = await tools.Content.ReadAsStringAsync();
        await Assert.That(listed).Contains("\"id\":\"say\"");
        foreach (var refused in new[] { "broken", "shell", "fancy" })
        {
            await Assert.That(listed).DoesNotContain($"\"id\":\"{refused}\"");
            using var submit = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, "{\"tool\":\"" + refused + "\",\"params\":{}}");
            await Assert.That(submit.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        }

        var nodeTools = (await NodeToolsAsync(api))["liar"];
        await Assert.That(nodeTools).IsEquivalentTo(["sleep", "say"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task a_changed_manifest_under_a_known_version_is_refused_and_a_new_version_is_served()
    {
        await using var api = await ApiServer.StartAsync();
        using var first = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var second = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var third = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var changed = Good.Replace("[\"echo\",\"{text}\"]", "[\"printf\",\"{text}\"]", StringComparison.Ordinal);
        _ = await HelloAsync(api, first, "first", [new("say", "1")], [Good]);
        _ = await HelloAsync(api, second, "second", [new("say", "1")], [changed]);

        var nodes = await NodeToolsAsync(api);
        await Assert.That(nodes["first"]).Contains("say");
        await Assert.That(nodes["second"]).DoesNotContain("say");

        _ = await HelloAsync(api, third, "third", [new("say", "2")], [changed.Replace("\"version\":\"1\"", "\"version\":\"2\"", StringComparison.Ordinal)]);
        using var tool = await api.GetAsync("v1/tools/say", api.Bob);
        await Assert.That(await tool.Content.ReadAsStringAsync()).Contains("\"version\":\"2\"");
        var rows = await api.Ledger.ListExecToolsAsync();
        await Assert.That(rows.Select(r => r.Id + " v" + r.Version)).IsEquivalentTo(["say v1", "say v2"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(rows.Single(r => r.Version == "1").Manifest).Contains("\"echo\",\"{text}\"");
    }

    [Test]
    public async Task the_latest_version_is_served_whatever_order_agents_bring_them_in_and_an_older_one_is_submittable_by_name()
    {
        await using var api = await ApiServer.StartAsync();
        using var newer = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var older = new Socket(SocketType.Stream, ProtocolType.Tcp);
        string Version(string v) => Good.Replace("\"version\":\"1\"", $"\"version\":\"{v}\"", StringComparison.Ordinal);
        _ = await HelloAsync(api, newer, "newer", [new("say", "1.10")], [Version("1.10")]);
        _ = await HelloAsync(api, older, "older", [new("say", "1.9")], [Version("1.9")]);

        using (var tool = await api.GetAsync("v1/tools/say", api.Bob))
        {
            await Assert.That(await tool.Content.ReadAsStringAsync()).Contains("\"version\":\"1.10\"");
        }

        using (var latest = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, """{"tool":"say","params":{"text":"a"}}"""))
        {
            await Assert.That(latest.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
            await Assert.That((await ApiServer.ReadAsync(latest, Protocol.Rest.RestJsonContext.Default.JobDto))!.Version).IsEqualTo("1.10");
        }

        using (var named = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, """{"tool":"say","version":"1.9","params":{"text":"b"}}"""))
        {
            await Assert.That(named.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
            await Assert.That((await ApiServer.ReadAsync(named, Protocol.Rest.RestJsonContext.Default.JobDto))!.Version).IsEqualTo("1.9");
        }

        using var unknown = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob, """{"tool":"say","version":"0.1","params":{"text":"c"}}""");
        await Assert.That(unknown.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That((await ApiServer.ProblemAsync(unknown)).ErrorCode).IsEqualTo("unknown_tool_version");

        // Read back from the ledger by a restarted coordinator: still the latest.
        await using var restarted = await api.RestartAsync();
        using var again = await restarted.GetAsync("v1/tools/say", restarted.Bob);
        await Assert.That(await again.Content.ReadAsStringAsync()).Contains("\"version\":\"1.10\"");
    }
}
