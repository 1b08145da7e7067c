using System.CommandLine;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary><c>edgejobs tools [ID]</c>: the catalog, or one tool with its params schema.</summary>
internal static class ToolsCommand
{
    public static Command Create()
    {
        var id = new Argument<string?>("ID") { Description = "one tool: printed with its params JSON Schema", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("tools", "the tool catalog, or one tool with its params schema") { id };
        var client = ClientFlags.AddTo(command);
        command.SetAction((parsed, _) => RunAsync(parsed, client, parsed.GetValue(id)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parsed, ClientFlags flags, string? id)
    {
        var json = parsed.GetValue(flags.Json);
        using var client = ApiClient.From(parsed, flags);
        if (id is not null)
        {
            var one = await client.GetAsync($"v1/tools/{Uri.EscapeDataString(id)}").ConfigureAwait(false);
            ApiClient.EnsureSuccess(one);
            Output.Json(one.Body);
            return 0;
        }

        var answer = await client.GetAsync("v1/tools").ConfigureAwait(false);
        if (json)
        {
            ApiClient.EnsureSuccess(answer);
            Output.Json(answer.Body);
            return 0;
        }

        var tools = ApiClient.Read(answer, RestJson.Lenient.ToolListDto);
        Output.Table(["TOOL", "VERSION", "CATEGORY", "SCOPE", "ARTIFACT", "DESCRIPTION"],
            tools.Tools.Select(t => (IReadOnlyList<string>)[t.Id, t.Version, t.Category, t.RequiredScope, t.ProducesArtifact ? "yes" : "no", t.Description]));
        Console.Error.WriteLine("params: edgejobs tools ID");
        return 0;
    }
}
