using System.Text.Json;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Coordinator.Recipes;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Testing;

/// <summary>Recipe jobs for ledger tests: a recipe written as JSON, planned by the coordinator's own planner.</summary>
public static class RecipeJobs
{
    /// <summary>A recipe job of <paramref name="recipeJson"/> (<c>{name, version, steps}</c>) with the job's <paramref name="paramsJson"/>.</summary>
    public static NewRecipeJob Of(string recipeJson, string? paramsJson = null, string owner = "alice", ToolCatalog? catalog = null, string org = "default")
    {
        var recipe = JsonSerializer.Deserialize(recipeJson, RestJsonContext.Default.RecipeDefinition)!;
        using var parameters = paramsJson is null ? null : JsonDocument.Parse(paramsJson);
        var (plan, violations) = RecipePlanner.Plan(recipe, catalog ?? ToolCatalog.BuiltIn, parameters?.RootElement, new Dictionary<string, string>(), new Dictionary<string, string>());
        if (plan is null)
        {
            throw new ArgumentException("the recipe does not plan: " + string.Join("; ", violations.Select(v => $"{v.Path} {v.Reason}")), nameof(recipeJson));
        }

        var job = new NewJob { Tool = JobRow.RecipeTool, ToolVersion = plan.Version, Params = paramsJson ?? "{}", Owner = owner, Org = org, MaxAttempts = 1 };
        return new NewRecipeJob(job, null, plan.Name, "{}", "{}", null, plan.Steps);
    }

    /// <summary>Submits <paramref name="recipe"/> (no quotas); the recipe job's row.</summary>
    public static async Task<JobRow> SubmitAsync(JobLedger ledger, NewRecipeJob recipe)
    {
        var submitted = await ledger.SubmitRecipeAsync(recipe, SubmitPolicy.None, null, _ => new StoredAnswer(202, null, ""));
        return submitted.RanNow(out var outcome) ? outcome.Job! : throw new InvalidOperationException("the recipe job was not submitted");
    }

    /// <summary>The step job now running step <paramref name="stepId"/>; null while it has none.</summary>
    public static async Task<JobRow?> StepJobAsync(JobLedger ledger, long recipeJobId, string stepId) =>
        (await ledger.GetStepsAsync(recipeJobId)).Single(s => s.Step.StepId == stepId).Job;

    /// <summary>A sleep step: <c>{"id":ID,"tool":"sleep","params":{"seconds":0}}</c> plus <paramref name="extra"/> members.</summary>
    public static string Sleep(string id, string extra = "") =>
        $$"""{"id":"{{id}}","tool":"sleep","params":{"seconds":0}{{(extra.Length > 0 ? "," + extra : "")}}}""";

    /// <summary>A recipe named "r" version "1" of <paramref name="steps"/>.</summary>
    public static string Recipe(params string[] steps) => $$"""{"name":"r","version":"1","steps":[{{string.Join(",", steps)}}]}""";
}
