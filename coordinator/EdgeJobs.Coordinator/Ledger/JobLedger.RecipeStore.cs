using Dapper;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

// Stored recipes (POST /v1/recipes). A version, once stored, never changes: a job that names a recipe id runs what
// was stored under it, and storing the same name and version again is the same recipe or a conflict.
public sealed partial class JobLedger
{
    /// <summary>The outcome of storing a recipe version.</summary>
    public enum RecipeStoreResult
    {
        Created,
        /// <summary>The same definition was stored under this name and version before: that row.</summary>
        Existing,
        /// <summary>Another definition holds this name and version.</summary>
        Conflict,
    }

    /// <summary>Stores a recipe version of <paramref name="org"/>, or answers the one already stored under its name and version.</summary>
    public Task<(RecipeStoreResult Result, RecipeRow Row)> StoreRecipeAsync(string org, string owner, string name, string version, string definition) =>
        WriteAsync(c => StoreRecipe(c, org, owner, name, version, definition));

    // Not cached: a definition is often longer than 4000 characters, and a cached command would cut it to the size the
    // first (shorter) one was given (see JobLedger.Recipes' SpawnStepJobs).
    [CacheCommand(false)]
    private (RecipeStoreResult Result, RecipeRow Row) StoreRecipe(SqliteConnection c, string org, string owner, string name, string version, string definition)
    {
        var existing = c.QuerySingleOrDefault<RecipeRow>("SELECT * FROM recipes WHERE org = @Org AND name = @Name AND version = @Version",
            new { Org = org, Name = name, Version = version });
        if (existing is not null)
        {
            return (existing.Definition == definition ? RecipeStoreResult.Existing : RecipeStoreResult.Conflict, existing);
        }

        var row = c.QuerySingle<RecipeRow>("""
            INSERT INTO recipes (org, name, version, definition, owner, created_at) VALUES (@Org, @Name, @Version, @Definition, @Owner, @Now)
            RETURNING *
            """, new { Org = org, Name = name, Version = version, Definition = definition, Owner = owner, Now = Now() });
        return (RecipeStoreResult.Created, row);
    }

    public async Task<RecipeRow?> GetStoredRecipeAsync(long id)
    {
        await using var c = OpenReader();
        return c.QuerySingleOrDefault<RecipeRow>("SELECT * FROM recipes WHERE id = @Id", new { Id = id });
    }

    /// <summary>One page of stored recipes, newest first, of one org (null: every org), optionally of one name.</summary>
    public async Task<(IReadOnlyList<RecipeRow> Recipes, long? NextCursor)> ListStoredRecipesAsync(string? org, string? name, long? cursor, int limit)
    {
        await using var c = OpenReader();
        var rows = c.Query<RecipeRow>("""
            SELECT * FROM recipes
            WHERE id < @Cursor AND (@Org IS NULL OR org = @Org) AND (@Name IS NULL OR name = @Name)
            ORDER BY id DESC LIMIT @Take
            """, new { Cursor = cursor ?? long.MaxValue, Org = org, Name = name, Take = limit + 1 }).ToRowList();
        if (rows.Count <= limit)
        {
            return (rows, null);
        }

        rows.RemoveAt(rows.Count - 1);
        return (rows, rows[^1].Id);
    }
}
