using System.Text.Json;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Coordinator.Recipes;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

/// <summary>
/// Stored recipes (design §8.3): <c>POST /v1/recipes</c> stores a version (201; 200 when the same definition is stored
/// under that name and version; 409 when another is), <c>GET /v1/recipes</c> lists the caller's org's, newest first,
/// <c>GET /v1/recipes/{id}</c> reads one. Another org's recipe is a 404.
/// </summary>
internal sealed class RecipesApi(JobLedger ledger, ToolCatalog catalog)
{
    public async Task<IResult> CreateAsync(HttpContext http)
    {
        var (recipe, problem) = await RequestBody.ReadAsync(http, RestJsonContext.Default.RecipeDefinition).ConfigureAwait(false);
        if (recipe is null)
        {
            return problem!;
        }

        var (definition, violations) = RecipePlanner.CheckDefinition(recipe, catalog);
        if (definition is null)
        {
            return Problems.Of(400, "invalid_recipe", "Invalid recipe", string.Join("; ", violations.Select(v => $"{v.Path} {v.Reason}")), violations);
        }

        var principal = ScopeFilter.Current(http);
        var (result, row) = await ledger.StoreRecipeAsync(principal.HomeOrg, principal.Name, recipe.Name, recipe.Version, definition).ConfigureAwait(false);
        return result switch
        {
            JobLedger.RecipeStoreResult.Conflict => Problems.Of(409, "recipe_version_exists", "Recipe version exists",
                $"recipe '{row.Name}' version '{row.Version}' is stored (id {row.Id}) with other steps; versions never change: store a new version"),
            JobLedger.RecipeStoreResult.Existing => Results.Json(new RecipeCreatedDto(row.Id, row.Name, row.Version), RestJson.Wire.RecipeCreatedDto),
            _ => Results.Json(new RecipeCreatedDto(row.Id, row.Name, row.Version), RestJson.Wire.RecipeCreatedDto, statusCode: 201),
        };
    }

    public async Task<IResult> ListAsync(HttpContext http)
    {
        var query = http.Request.Query;
        foreach (var key in query.Keys)
        {
            if (key is not ("name" or "limit" or "cursor"))
            {
                return Problems.InvalidQuery(key, $"'{Problems.Truncate(key)}' is not a filter; use name, limit or cursor");
            }
        }

        var (limit, cursor, pageProblem) = PageQuery.Read(query, JobsApi.DefaultLimit, JobsApi.MaxLimit);
        if (pageProblem is not null)
        {
            return pageProblem;
        }

        var name = query["name"].ToString() is { Length: > 0 } n ? n : null;
        var (rows, next) = await ledger.ListStoredRecipesAsync(ScopeFilter.Current(http).Org, name, cursor, limit).ConfigureAwait(false);
        return Results.Json(new RecipeListDto([.. rows.Select(ToDto)], next?.ToString(System.Globalization.CultureInfo.InvariantCulture)), RestJson.Wire.RecipeListDto);
    }

    public async Task<IResult> GetAsync(HttpContext http, string rawId)
    {
        if (!JobIds.TryParse(rawId, out var id))
        {
            return Problems.Of(400, "invalid_id", "Invalid recipe id", $"'{Problems.Truncate(rawId)}' is not a recipe id (a positive integer)");
        }

        var row = await ledger.GetStoredRecipeAsync(id).ConfigureAwait(false);
        return row is null || !ScopeFilter.Current(http).SeesOrg(row.Org)
            ? Problems.Of(404, "recipe_not_found", "No such recipe", $"recipe {id} does not exist")
            : Results.Json(ToDto(row), RestJson.Wire.RecipeDto);
    }

    private static RecipeDto ToDto(RecipeRow row)
    {
        var definition = JsonSerializer.Deserialize(row.Definition, RestJsonContext.Default.RecipeDefinition)!;
        return new RecipeDto
        {
            Id = row.Id,
            Name = row.Name,
            Version = row.Version,
            Steps = definition.Steps,
            Owner = row.Owner,
            Org = row.Org,
            CreatedAt = JobMapper.Time(row.CreatedAt),
        };
    }
}
