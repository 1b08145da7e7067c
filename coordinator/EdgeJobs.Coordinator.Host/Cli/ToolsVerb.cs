using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary><c>edgejobs tools [ID]</c>: the catalog, or one tool with its params schema.</summary>
internal static class ToolsVerb
{
    public static async Task<int> RunAsync(CliArgs args)
    {
        var json = args.Has("json");
        using var client = ApiClient.FromArgs(args);
        args.RejectUnknown();
        if (args.Positionals.Count == 1)
        {
            var one = await client.GetAsync($"v1/tools/{Uri.EscapeDataString(args.Positionals[0])}").ConfigureAwait(false);
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
