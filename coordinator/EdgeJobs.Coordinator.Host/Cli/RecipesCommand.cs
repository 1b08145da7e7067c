using System.CommandLine;
using System.Globalization;
using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary><c>edgejobs recipes create FILE | ls | get ID</c>: stored recipes (multi-step jobs).</summary>
internal static class RecipesCommand
{
    public static Command Create()
    {
        var command = new Command("recipes", "stored recipes: named, versioned DAGs of steps that jobs run by id");
        command.Subcommands.Add(CreateCommand());
        command.Subcommands.Add(ListCommand());
        command.Subcommands.Add(GetCommand());
        return command;
    }

    private static Command CreateCommand()
    {
        var file = new Argument<string>("FILE") { Description = "the recipe as JSON: {name, version, steps: [{id, tool, params, param_keys?, depends_on?, retry?, continue_on_failure?, timeout_s?}]}" };
        var command = new Command("create", "store a recipe version (a stored version never changes)") { file };
        var client = ClientFlags.AddTo(command);
        command.WithNotes("""
            Prints the recipe's id on stdout; run it with: edgejobs submit --recipe-id ID ...
            Storing the same name and version again answers the stored id when the steps are the same, and fails otherwise.
            Exit codes: 0 stored (or already stored), 1 refused, 2 bad usage.
            """);
        command.SetAction((parsed, _) => client.RunAsync(parsed, async (api, json) =>
        {
            var path = parsed.GetValue(file)!;
            var body = File.Exists(path) ? await File.ReadAllTextAsync(path).ConfigureAwait(false) : throw new UsageException($"{path}: no such file");
            var answer = await api.PostAsync("v1/recipes", body).ConfigureAwait(false);
            var created = ApiClient.Read(answer, RestJson.Lenient.RecipeCreatedDto);
            if (json)
            {
                Output.Json(answer.Body);
            }
            else
            {
                Console.Out.WriteLine(created.Id.ToString(CultureInfo.InvariantCulture));
                Console.Error.WriteLine($"recipe {created.Name} v{created.Version} {(answer.Status == System.Net.HttpStatusCode.Created ? "stored" : "was stored already")} as {created.Id}");
            }

            return 0;
        }));
        return command;
    }

    private static Command ListCommand()
    {
        var name = Flags.Text("--name", "NAME", "only this recipe's versions");
        var command = new Command("ls", "stored recipes, newest first") { name };
        var client = ClientFlags.AddTo(command);
        command.SetAction((parsed, _) => client.RunAsync(parsed, async (api, json) =>
        {
            var query = parsed.GetValue(name) is { } n ? "?name=" + Uri.EscapeDataString(n) : "";
            var answer = await api.GetAsync("v1/recipes" + query).ConfigureAwait(false);
            if (json)
            {
                ApiClient.EnsureSuccess(answer);
                Output.Json(answer.Body);
                return 0;
            }

            var list = ApiClient.Read(answer, RestJson.Lenient.RecipeListDto);
            Output.Table(["ID", "NAME", "VERSION", "STEPS", "OWNER", "CREATED"], list.Recipes.Select(r => (IReadOnlyList<string>)
                [r.Id.ToString(CultureInfo.InvariantCulture), r.Name, r.Version, string.Join(" ", r.Steps.Select(s => $"{s.Id}({s.Tool})")), r.Owner, Output.Time(r.CreatedAt)]));
            return 0;
        }));
        return command;
    }

    private static Command GetCommand()
    {
        var id = new Argument<string>("ID") { Description = "the recipe's id" };
        var command = new Command("get", "one stored recipe, as JSON") { id };
        var client = ClientFlags.AddTo(command);
        command.SetAction((parsed, _) => client.RunAsync(parsed, async (api, _) =>
        {
            var answer = await api.GetAsync($"v1/recipes/{Uri.EscapeDataString(parsed.GetValue(id)!)}").ConfigureAwait(false);
            ApiClient.EnsureSuccess(answer);
            Output.Json(answer.Body);
            return 0;
        }));
        return command;
    }
}
