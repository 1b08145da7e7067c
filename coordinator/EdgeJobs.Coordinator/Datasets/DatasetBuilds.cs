using System.Globalization;
using System.Text.Json;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Coordinator.Recipes;
using EdgeJobs.Protocol.Datasets;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Datasets;

/// <summary>
/// <c>build</c> on a dataset without <c>path</c> (the seed's "omitting path builds all pending entries"): every raster
/// and vector entry whose derivative is missing or older than the entry — every one with <c>force</c> — gets one, as
/// a recipe job of one <c>build</c> step per entry whose outputs go into the dataset at <c>.build/{path}.cog.tif</c>
/// (rasters) or <c>.build/{path}.mbtiles</c> (vector tiles). Each step may fail without stopping the others (the job then
/// ends partial), and what one job leaves unbuilt the next one finds: the derivative's index entry is the record, its
/// mtime against the source's says whether it is stale.
/// </summary>
internal static class DatasetBuilds
{
    /// <summary>Where derivatives live in a dataset; entries below it are never built themselves.</summary>
    public const string Folder = ".build/";

    /// <summary>The recipe version that marks a job as a dataset build (the seed's task API shows it as <c>build</c>).</summary>
    public const string RecipeVersion = "dataset-build";

    private static readonly string[] s_rasterOptions = ["compression", "level", "predictor", "block_size", "resampling", "overviews"];
    private static readonly string[] s_vectorOptions = ["min_zoom", "max_zoom"];

    /// <summary>A build on a dataset that names no entry.</summary>
    public static bool IsPathless(SubmitRequest request) =>
        request is { Tool: "build", Dataset: not null, Recipe: null, RecipeId: null }
        && (request.Params is not { ValueKind: JsonValueKind.Object } p || !p.TryGetProperty("path", out _));

    /// <summary>The derivative of the entry at <paramref name="path"/>, or null for an entry nothing is built of.</summary>
    public static string? DerivativeOf(string path, string type) =>
        path.StartsWith(Folder, StringComparison.Ordinal) ? null
        : type == EntryTypes.Raster ? Folder + path + ".cog.tif"
        : type == EntryTypes.Vector && !path.EndsWith(".mbtiles", StringComparison.OrdinalIgnoreCase) && !path.EndsWith(".pbf", StringComparison.OrdinalIgnoreCase)
            ? Folder + path + ".mbtiles"
        : null;

    /// <summary>The entry a derivative at <paramref name="path"/> is built of, or null for a path that is no derivative.</summary>
    public static string? SourceOf(string path) =>
        !path.StartsWith(Folder, StringComparison.Ordinal) ? null
        : path.EndsWith(".cog.tif", StringComparison.Ordinal) ? path[Folder.Length..^".cog.tif".Length]
        : path.EndsWith(".mbtiles", StringComparison.Ordinal) ? path[Folder.Length..^".mbtiles".Length]
        : null;

    /// <summary>
    /// The recipe job that builds the dataset's pending entries; the request unchanged when its dataset is not one the
    /// caller may use (the ordinary checks then say why); a problem when there is nothing to build or an option is wrong.
    /// </summary>
    public static async Task<(SubmitRequest Request, ProblemDto? Problem)> ExpandAsync(JobLedger ledger, Principal principal, SubmitRequest request)
    {
        if (!DatasetNames.TrySplit(request.Dataset, principal.HomeOrg, out var org, out var name) || !principal.SeesDataset(org, name)
            || await ledger.GetDatasetAsync(org, name).ConfigureAwait(false) is null)
        {
            return (request, null);
        }

        var (raster, vector, violations) = Options(request.Params);
        if (violations.Count > 0)
        {
            return (request, Problems.InvalidParamsDto(violations));
        }

        var pending = await PendingAsync(ledger, org, name, request.Force ?? false).ConfigureAwait(false);
        if (pending.Count == 0)
        {
            return (request, Problems.Dto(409, "nothing_to_build", "Nothing to build",
                $"every raster and vector entry of '{org}/{name}' has a derivative newer than itself; force builds them all again"));
        }

        var steps = new List<RecipeStep>(pending.Count);
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (entry, derivative, isVector) in pending.Take(RecipePlanner.MaxSteps))
        {
            var id = "e" + (steps.Count + 1).ToString(CultureInfo.InvariantCulture);
            var stepParams = JsonText.Write(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("path", entry);
                foreach (var option in isVector ? vector : raster)
                {
                    writer.WritePropertyName(option.Name);
                    option.Value.WriteTo(writer);
                }

                writer.WriteEndObject();
            });
            using var document = JsonDocument.Parse(stepParams);
            steps.Add(new RecipeStep
            {
                Id = id,
                Tool = "build",
                Params = document.RootElement.Clone(),
                ContinueOnFailure = true,
                TimeoutS = request.TimeoutS,
                Retry = request.MaxAttempts is { } attempts ? new RecipeRetry { MaxAttempts = attempts } : null,
            });
            outputs[$"step:{id}.output"] = derivative;
        }

        return (request with
        {
            Tool = null,
            Version = null,
            Params = null,
            Force = null,
            MaxAttempts = null,
            TimeoutS = null,
            Recipe = new RecipeDefinition { Name = "build", Version = RecipeVersion, Steps = steps },
            Outputs = outputs,
        }, null);
    }

    /// <summary>The build options given, split by the kind of entry they apply to; anything else is a violation.</summary>
    private static (List<JsonProperty> Raster, List<JsonProperty> Vector, List<ViolationDto> Violations) Options(JsonElement? given)
    {
        List<JsonProperty> raster = [], vector = [];
        List<ViolationDto> violations = [];
        if (given is not { ValueKind: JsonValueKind.Object } options)
        {
            if (given is { ValueKind: not JsonValueKind.Null })
            {
                violations.Add(new ViolationDto("$.params", "must be an object"));
            }

            return (raster, vector, violations);
        }

        foreach (var option in options.EnumerateObject())
        {
            if (s_rasterOptions.Contains(option.Name))
            {
                raster.Add(option);
            }
            else if (s_vectorOptions.Contains(option.Name))
            {
                vector.Add(option);
            }
            else
            {
                violations.Add(new ViolationDto("$.params." + Problems.Truncate(option.Name),
                    "is not an option of a build of every pending entry (its outputs go to .build/; give path to build one entry)"));
            }
        }

        return (raster, vector, violations);
    }

    /// <summary>Entries whose derivative is missing or older than they are (all of them with <paramref name="force"/>), in path order.</summary>
    private static async Task<List<(string Entry, string Derivative, bool IsVector)>> PendingAsync(JobLedger ledger, string org, string dataset, bool force)
    {
        // Only what a build concerns is read: the rasters, the vector files and the derivatives (a survey's photos and
        // other files, often most of a dataset, are not).
        var built = (await ListAsync(ledger, org, dataset, Folder, null).ConfigureAwait(false)).ToDictionary(e => e.Path, e => e.Mtime, StringComparer.Ordinal);
        var sources = (await ListAsync(ledger, org, dataset, "", EntryTypes.Raster).ConfigureAwait(false))
            .Concat(await ListAsync(ledger, org, dataset, "", EntryTypes.Vector).ConfigureAwait(false))
            .OrderBy(e => e.Path, StringComparer.Ordinal);
        var pending = new List<(string, string, bool)>();
        foreach (var entry in sources)
        {
            if (DerivativeOf(entry.Path, entry.Type) is { } derivative
                && (force || !built.TryGetValue(derivative, out var builtAt) || builtAt < entry.Mtime))
            {
                pending.Add((entry.Path, derivative, entry.Type == EntryTypes.Vector));
            }
        }

        return pending;
    }

    /// <summary>Every entry under <paramref name="prefix"/> (of <paramref name="type"/> when given), page by page.</summary>
    private static async Task<List<DatasetEntryRow>> ListAsync(JobLedger ledger, string org, string dataset, string prefix, string? type)
    {
        var entries = new List<DatasetEntryRow>();
        string? after = null;
        do
        {
            var page = await ledger.ListEntriesAsync(new EntryQuery(org, dataset, prefix, type, after, 1000)).ConfigureAwait(false);
            entries.AddRange(page.Entries);
            after = page.NextAfter;
        }
        while (after is not null);

        return entries;
    }
}
