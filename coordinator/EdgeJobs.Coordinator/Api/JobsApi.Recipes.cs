using System.Text.Json;
using EdgeJobs.Catalog.Paths;
using EdgeJobs.Catalog.Recipes;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Coordinator.Recipes;
using EdgeJobs.Protocol.Datasets;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Api;

// Recipe jobs (design §8.3): `POST /v1/jobs` with `recipe` or `recipe_id` instead of `tool`. Every check of a one-tool
// submit applies to each step (scope, params, input paths where they live); a recipe's own checks (unknown tools,
// params, references, cycles) come from RecipePlanner. Refusals name the step and field.
internal sealed partial class JobsApi
{
    private sealed record PreparedRecipe(NewRecipeJob Recipe, ToolEstimate Estimate);

    private static bool IsRecipeRequest(SubmitRequest request) => request.Recipe is not null || request.RecipeId is not null;

    /// <summary>Submits a recipe job: checked like every step's submit, then the job and its first step jobs in one transaction.</summary>
    private async Task<Submission> SubmitRecipeAsync(Principal principal, SubmitRequest request, IdempotencyRequest? idempotency,
        Func<SubmitOutcome, string?, ToolEstimate, StoredAnswer> answer)
    {
        var (prepared, refused) = await PrepareRecipeAsync(principal, request).ConfigureAwait(false);
        if (prepared is null)
        {
            return new Submission(refused, default, default);
        }

        var policy = new SubmitPolicy { Lookback = options.DedupLookback, Quotas = options.Quotas };
        var estimate = prepared.Estimate;
        var submitted = await ledger.SubmitRecipeAsync(prepared.Recipe, policy, idempotency, outcome => answer(outcome, null, estimate)).ConfigureAwait(false);
        if (submitted.RanNow(out var outcome) && outcome is { Result: SubmitResult.Created, Job: { } created })
        {
            logger.JobSubmitted(created.Id, $"recipe {prepared.Recipe.Name}", created.ToolVersion, created.Owner);
            dispatcher.Kick();
        }

        return new Submission(null, submitted, estimate);
    }

    private async Task<(PreparedRecipe? Prepared, ProblemDto? Problem)> PrepareRecipeAsync(Principal principal, SubmitRequest request)
    {
        var violations = new List<ViolationDto>();
        if (request.Tool is not null)
        {
            violations.Add(new ViolationDto("$.tool", "cannot be combined with a recipe: a recipe's steps name their tools"));
        }

        if (request.Recipe is not null && request.RecipeId is not null)
        {
            violations.Add(new ViolationDto("$.recipe_id", "cannot be combined with recipe: give a stored recipe's id or an inline recipe"));
        }

        if (request.Version is not null)
        {
            violations.Add(new ViolationDto("$.version", "is a tool's version; a recipe carries its own"));
        }

        if (request.MaxAttempts is not null || request.TimeoutS is not null)
        {
            violations.Add(new ViolationDto(request.MaxAttempts is not null ? "$.max_attempts" : "$.timeout_s", "is set per step in a recipe (retry.max_attempts, timeout_s)"));
        }

        if (request.Workspace is not null || request.Project is not null || request.Hold is not null)
        {
            var field = request.Workspace is not null ? "workspace" : request.Project is not null ? "project" : "hold";
            violations.Add(new ViolationDto("$." + field, "is for one-tool jobs; a recipe job cannot reserve credits, join a project or be held yet"));
        }

        CheckJobOptions(request, violations);
        var recipe = request.Recipe;
        long? recipeId = null;
        if (request.RecipeId is { } id)
        {
            var stored = id > 0 ? await ledger.GetStoredRecipeAsync(id).ConfigureAwait(false) : null;
            if (stored is null || !principal.SeesOrg(stored.Org))
            {
                violations.Add(new ViolationDto("$.recipe_id", $"there is no recipe {id}"));
            }
            else
            {
                recipe = JsonSerializer.Deserialize(stored.Definition, RestJsonContext.Default.RecipeDefinition);
                recipeId = id;
            }
        }

        if (violations.Count > 0 || recipe is null)
        {
            return (null, InvalidRecipe(violations));
        }

        var inputs = request.Inputs ?? new Dictionary<string, string>();
        var outputs = request.Outputs ?? new Dictionary<string, string>();
        var (plan, planViolations) = RecipePlanner.Plan(recipe, catalog, request.Params, inputs, outputs);
        if (plan is null)
        {
            return (null, InvalidRecipe(planViolations));
        }

        foreach (var step in plan.Steps)
        {
            if (!principal.Has(step.Tool.RequiredScope))
            {
                return (null, Problems.ForbiddenDto($"step '{step.Id}': tool '{step.Tool.Id}' needs the scope '{step.Tool.RequiredScope}'"));
            }
        }

        // Each step's paths where they live (the data root, the dataset, a labelled node's disk); "step:ID.output"
        // inputs are artifacts that do not exist yet.
        JobPlace? place = null;
        var estimate = new ToolEstimate(0, 0);
        foreach (var step in plan.Steps)
        {
            var stepRequest = request with { Tool = step.Tool.Id, Recipe = null, RecipeId = null };
            var (stepPlace, problem) = await ResolvePlaceAsync(principal, stepRequest, step.Tool, step.CanonicalParams,
                input => !StepReferences.TryStep(input.RelativePath, out _)).ConfigureAwait(false);
            if (stepPlace is null)
            {
                return (null, problem! with
                {
                    Detail = $"step '{step.Id}': {problem!.Detail}",
                    Errors = problem.Errors?.Select(v => new ViolationDto(v.Path.StartsWith("$.params", StringComparison.Ordinal) ? step.JsonPath + v.Path[1..] : v.Path, $"step '{step.Id}': {v.Reason}")).ToList(),
                });
            }

            place ??= stepPlace;
            var stepEstimate = step.Tool.Estimate(step.CanonicalParams, stepPlace.Inputs);
            estimate = new ToolEstimate(estimate.OutputBytes + stepEstimate.OutputBytes, estimate.Seconds + stepEstimate.Seconds);
        }

        CheckOutputPaths(outputs, place!.Dataset is not null, violations);
        var onExit = CheckOnExit(request.OnExit, violations);
        if (violations.Count > 0)
        {
            return (null, InvalidRecipe(violations));
        }

        if (estimate.OutputBytes > options.Quotas.MaxOutputBytesPerJob)
        {
            return (null, Problems.Dto(413, "estimated_output_too_large", "Estimated output too large",
                $"the job's steps would write about {estimate.OutputBytes} bytes; the limit per job is {options.Quotas.MaxOutputBytesPerJob}"));
        }

        var job = new NewJob
        {
            Tool = JobRow.RecipeTool,
            ToolVersion = plan.Version,
            Params = request.Params is { ValueKind: JsonValueKind.Object } given ? CanonicalJson.Of(given) : "{}",
            Owner = principal.Name,
            Org = place.Org,
            Dataset = place.Dataset,
            NodeLabels = place.NodeLabelsJson,
            Priority = request.Priority ?? 0,
            MaxAttempts = 1,
            CampaignId = request.CampaignId,
            ParentId = request.ParentId,
        };
        return (new PreparedRecipe(new NewRecipeJob(job, recipeId, plan.Name, JsonText.Object(inputs), JsonText.Object(outputs), onExit, plan.Steps), estimate), null);
    }

    /// <summary>Where outputs land: a path in the data root, or an entry path of the job's dataset.</summary>
    private static void CheckOutputPaths(IReadOnlyDictionary<string, string> outputs, bool inDataset, List<ViolationDto> violations)
    {
        foreach (var (reference, path) in outputs)
        {
            var reason = inDataset ? DatasetPaths.Check(path, out _) : DataRootPaths.Check(path);
            if (reason is not null)
            {
                violations.Add(new ViolationDto($"$.outputs['{Problems.Truncate(reference)}']", reason));
            }
        }
    }

    /// <summary>The webhook URL, if its host is on the allow-list (<c>--webhook-allow</c>): the coordinator calls no other host.</summary>
    private string? CheckOnExit(OnExitRequest? onExit, List<ViolationDto> violations)
    {
        if (onExit is null)
        {
            return null;
        }

        if (!Uri.TryCreate(onExit.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.UserInfo.Length > 0 || onExit.Url.Length > 2048)
        {
            violations.Add(new ViolationDto("$.on_exit.url", "must be an http:// or https:// URL without credentials, at most 2048 characters"));
            return null;
        }

        if (!options.WebhookAllow.Contains(url.Host, StringComparer.OrdinalIgnoreCase))
        {
            violations.Add(new ViolationDto("$.on_exit.url", options.WebhookAllow.Count == 0
                ? "webhooks are off: the coordinator calls only hosts named by --webhook-allow, and none is"
                : $"host '{Problems.Truncate(url.Host)}' is not one the coordinator may call (--webhook-allow: {string.Join(", ", options.WebhookAllow)})"));
            return null;
        }

        return url.AbsoluteUri;
    }

    private static ProblemDto InvalidRecipe(IReadOnlyList<ViolationDto> violations) =>
        Problems.Dto(400, "invalid_recipe", "Invalid recipe job", string.Join("; ", violations.Select(v => $"{v.Path} {v.Reason}")), violations);
}
