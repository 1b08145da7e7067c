using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeJobs.Catalog.Recipes;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Recipes;

/// <summary>
/// A step ready for the ledger: its tool, its checked params (references to other steps left in), its edges, and its
/// attempts (null: the ledger's default, as for any job — a step job must survive what any job survives, a lost lease).
/// </summary>
public sealed record PlannedStep(
    string Id,
    int Position,
    ToolDescriptor Tool,
    string CanonicalParams,
    IReadOnlyList<string> DependsOn,
    IReadOnlyList<string> Dependents,
    int? MaxAttempts,
    StepBackoff? Backoff,
    long? TimeoutMs,
    bool ContinueOnFailure)
{
    /// <summary>Where the step is in the request, for naming it in a refusal.</summary>
    public string JsonPath => $"$.recipe.steps[{Position}]";
}

/// <summary>A recipe checked against the catalog and a job's params, inputs and outputs.</summary>
public sealed record RecipePlan(string Name, string Version, IReadOnlyList<PlannedStep> Steps, string CanonicalDefinition);

/// <summary>
/// Checks a recipe and a job's params, inputs and outputs for it, and resolves each step's params: unknown tools,
/// missing or unknown params, references to unknown steps or inputs, and cycles are each a violation naming the step
/// and field. Pure: the paths the steps name are checked by the caller, where they live.
/// </summary>
public static class RecipePlanner
{
    public const int MaxSteps = 5000;
    public const int MaxAttempts = 100;

    /// <summary>Checks a recipe on its own (<c>POST /v1/recipes</c>): its shape, tools and edges, not the params a job gives it.</summary>
    public static (string? CanonicalDefinition, List<ViolationDto> Violations) CheckDefinition(RecipeDefinition recipe, ToolCatalog catalog)
    {
        var violations = new List<ViolationDto>();
        CheckShape(recipe, "$", catalog, violations, out var steps);
        if (violations.Count == 0)
        {
            var edges = Edges(recipe, "$", violations, paramsOf: null, literal: null, out var origins);
            if (violations.Count == 0)
            {
                CheckAcyclic(recipe, edges, origins, violations);
            }
        }

        return violations.Count > 0 || steps is null ? (null, violations) : (Canonical(recipe), violations);
    }

    /// <summary>Plans a job of <paramref name="recipe"/>; the violations name the request's fields (<c>$.recipe.steps[i]…</c>, <c>$.params…</c>).</summary>
    public static (RecipePlan? Plan, List<ViolationDto> Violations) Plan(RecipeDefinition recipe, ToolCatalog catalog, JsonElement? jobParams,
        IReadOnlyDictionary<string, string> inputs, IReadOnlyDictionary<string, string> outputs)
    {
        const string at = "$.recipe";
        var violations = new List<ViolationDto>();
        CheckShape(recipe, at, catalog, violations, out var tools);
        if (tools is null || violations.Count > 0)
        {
            return (null, violations);
        }

        var stepParams = JobParamsByStep(recipe, jobParams, violations);
        foreach (var name in inputs.Keys)
        {
            if (!StepReferences.IsValidName(name))
            {
                violations.Add(new ViolationDto($"$.inputs.{Api.Problems.Truncate(name)}", "is not an input name: it " + StepReferences.NameRule));
            }
        }

        // A step whose params are literals (no reference, nothing from the job's params) is checked as it is written;
        // the others are resolved first. Resolving every step through a mutable JSON tree cost a 1,000-step recipe 20 ms.
        var resolved = new JsonObject?[recipe.Steps.Count];
        var literal = new bool[recipe.Steps.Count];
        for (var i = 0; i < recipe.Steps.Count; i++)
        {
            var step = recipe.Steps[i];
            literal[i] = step.ParamKeys is not { Count: > 0 } && !stepParams.ContainsKey(step.Id) && !HasReference(step.Params);
            resolved[i] = literal[i] ? null : ResolveParams(step, i, stepParams, inputs, violations);
        }

        var edges = Edges(recipe, at, violations, resolved, literal, out var origins);
        CheckOutputs(recipe, tools, outputs, violations);
        if (violations.Count > 0)
        {
            return (null, violations);
        }

        CheckAcyclic(recipe, edges, origins, violations);
        if (violations.Count > 0)
        {
            return (null, violations);
        }

        var planned = new List<PlannedStep>(recipe.Steps.Count);
        var dependents = recipe.Steps.ToDictionary(s => s.Id, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (step, deps) in recipe.Steps.Zip(edges))
        {
            foreach (var dep in deps)
            {
                dependents[dep].Add(step.Id);
            }
        }

        for (var i = 0; i < recipe.Steps.Count; i++)
        {
            var step = recipe.Steps[i];
            using var document = literal[i] ? null : JsonDocument.Parse(resolved[i]!.ToJsonString());
            var check = tools[i].Check(document?.RootElement ?? (step.Params is { ValueKind: JsonValueKind.Object } given ? given : null));
            foreach (var v in check.Violations)
            {
                violations.Add(new ViolationDto(Repath(v.Path, $"{at}.steps[{i}]"), $"step '{step.Id}': {v.Reason}"));
            }

            if (check.IsValid)
            {
                planned.Add(new PlannedStep(step.Id, i, tools[i], check.CanonicalJson!, edges[i], dependents[step.Id],
                    step.Retry?.MaxAttempts, StepBackoff.Of(step.Retry), step.TimeoutS is { } t ? (long)(t * 1000) : null, step.ContinueOnFailure ?? false));
            }
        }

        return violations.Count > 0 ? (null, violations) : (new RecipePlan(recipe.Name, recipe.Version, planned, Canonical(recipe)), violations);
    }

    /// <summary>Names, counts, ids, tools and per-step options; <paramref name="tools"/> is null when a tool is unknown.</summary>
    private static void CheckShape(RecipeDefinition recipe, string at, ToolCatalog catalog, List<ViolationDto> violations, out ToolDescriptor[]? tools)
    {
        tools = null;
        if (!StepReferences.IsValidName(recipe.Name))
        {
            violations.Add(new ViolationDto($"{at}.name", StepReferences.NameRule));
        }

        if (recipe.Version is not { Length: > 0 and <= 32 } || recipe.Version.AsSpan().IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") >= 0)
        {
            violations.Add(new ViolationDto($"{at}.version", "must be 1 to 32 letters, digits, '.', '_' or '-'"));
        }

        if (recipe.Steps.Count is 0 or > MaxSteps)
        {
            violations.Add(new ViolationDto($"{at}.steps", $"must hold 1 to {MaxSteps} steps"));
            return;
        }

        var found = new ToolDescriptor[recipe.Steps.Count];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var allKnown = true;
        for (var i = 0; i < recipe.Steps.Count; i++)
        {
            var step = recipe.Steps[i];
            var stepAt = $"{at}.steps[{i}]";
            if (!StepReferences.IsValidName(step.Id))
            {
                violations.Add(new ViolationDto($"{stepAt}.id", StepReferences.NameRule));
            }
            else if (!ids.Add(step.Id))
            {
                violations.Add(new ViolationDto($"{stepAt}.id", $"'{step.Id}' is the id of an earlier step too"));
            }

            if (catalog.Find(step.Tool, step.Version) is { } tool)
            {
                found[i] = tool;
            }
            else
            {
                allKnown = false;
                violations.Add(catalog.Find(step.Tool) is { } other
                    ? new ViolationDto($"{stepAt}.version", $"step '{step.Id}': tool '{step.Tool}' has version {other.Version}, not '{step.Version}'")
                    : new ViolationDto($"{stepAt}.tool", $"step '{step.Id}': no tool '{Api.Problems.Truncate(step.Tool)}'"));
            }

            if (step.Params is { } p && p.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            {
                violations.Add(new ViolationDto($"{stepAt}.params", $"step '{step.Id}': must be an object"));
            }

            if (step.Retry?.MaxAttempts is < 1 or > MaxAttempts)
            {
                violations.Add(new ViolationDto($"{stepAt}.retry.max_attempts", $"step '{step.Id}': must be between 1 and {MaxAttempts}"));
            }

            StepBackoff.Check(step.Retry, $"{stepAt}.retry", step.Id, violations);

            if (step.TimeoutS is { } timeout && (!double.IsFinite(timeout) || timeout <= 0 || timeout > 30 * 86400))
            {
                violations.Add(new ViolationDto($"{stepAt}.timeout_s", $"step '{step.Id}': must be above 0 and at most 2592000 (30 days)"));
            }

            foreach (var key in step.ParamKeys ?? [])
            {
                if (key.Length is 0 or > 128)
                {
                    violations.Add(new ViolationDto($"{stepAt}.param_keys", $"step '{step.Id}': a key must be 1 to 128 characters"));
                }
            }
        }

        tools = allKnown ? found : null;
    }

    /// <summary>The job's <c>params</c>: an object keyed by step id, each value an object.</summary>
    private static Dictionary<string, JsonObject> JobParamsByStep(RecipeDefinition recipe, JsonElement? jobParams, List<ViolationDto> violations)
    {
        var byStep = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        if (jobParams is not { ValueKind: not JsonValueKind.Null } given)
        {
            return byStep;
        }

        if (given.ValueKind != JsonValueKind.Object)
        {
            violations.Add(new ViolationDto("$.params", "must be an object keyed by step id"));
            return byStep;
        }

        var ids = recipe.Steps.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var property in given.EnumerateObject())
        {
            if (!ids.Contains(property.Name))
            {
                violations.Add(new ViolationDto($"$.params.{property.Name}", "is not a step of the recipe; params are keyed by step id"));
            }
            else if (property.Value.ValueKind != JsonValueKind.Object)
            {
                violations.Add(new ViolationDto($"$.params.{property.Name}", "must be an object of that step's params"));
            }
            else
            {
                byStep[property.Name] = (JsonObject)JsonNode.Parse(property.Value.GetRawText())!;
            }
        }

        return byStep;
    }

    /// <summary>
    /// The step's params with <c>{param:NAME}</c> and <c>input:NAME</c> replaced and its <c>param_keys</c> copied in;
    /// <c>step:ID.output</c> references stay (checked by <see cref="Edges"/>).
    /// </summary>
    private static JsonObject ResolveParams(RecipeStep step, int index, Dictionary<string, JsonObject> stepParams, IReadOnlyDictionary<string, string> inputs,
        List<ViolationDto> violations)
    {
        var stepAt = $"$.recipe.steps[{index}]";
        var template = step.Params is { ValueKind: JsonValueKind.Object } p ? (JsonObject)JsonNode.Parse(p.GetRawText())! : [];
        var given = stepParams.GetValueOrDefault(step.Id);
        var used = new HashSet<string>(StringComparer.Ordinal);
        JsonNode? Resolve(JsonNode? node, string path)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var key in obj.Select(kv => kv.Key).ToList())
                    {
                        obj[key] = Resolve(obj[key], $"{path}.{key}");
                    }

                    return obj;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        array[i] = Resolve(array[i], $"{path}[{i}]");
                    }

                    return array;
                case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                    var text = value.GetValue<string>();
                    if (StepReferences.TryParam(text, out var name))
                    {
                        used.Add(name);
                        if (given?[name] is { } found)
                        {
                            return found.DeepClone();
                        }

                        violations.Add(new ViolationDto($"$.params.{step.Id}.{name}", $"is required by step '{step.Id}' ({path})"));
                        return node;
                    }

                    if (StepReferences.TryInput(text, out var input))
                    {
                        if (inputs.TryGetValue(input, out var inputPath))
                        {
                            return JsonValue.Create(inputPath);
                        }

                        violations.Add(new ViolationDto(path, $"step '{step.Id}': names input '{input}', which $.inputs does not have"));
                        return node;
                    }

                    if (!StepReferences.TryStep(text, out _) && StepReferences.LooksLikeReference(text))
                    {
                        violations.Add(new ViolationDto(path, $"step '{step.Id}': '{Api.Problems.Truncate(text)}' is not a reference; use \"step:ID.output\", \"input:NAME\" or \"{{param:NAME}}\""));
                    }

                    return node;
                default:
                    return node;
            }
        }

        var resolved = (JsonObject)Resolve(template, $"{stepAt}.params")!;
        foreach (var key in step.ParamKeys ?? [])
        {
            used.Add(key);
            if (given?[key] is { } value)
            {
                resolved[key] = value.DeepClone();
            }
            else
            {
                violations.Add(new ViolationDto($"$.params.{step.Id}.{key}", $"is required by step '{step.Id}' (its param_keys)"));
            }
        }

        foreach (var (key, _) in given ?? [])
        {
            if (!used.Contains(key))
            {
                var takes = string.Join(", ", used.Order(StringComparer.Ordinal));
                violations.Add(new ViolationDto($"$.params.{step.Id}.{key}",
                    $"is not a param of step '{step.Id}'" + (takes.Length > 0 ? $" (it takes {takes})" : " (it takes none from the job; declare param_keys)")));
            }
        }

        return resolved;
    }

    /// <summary>
    /// Each step's dependencies: its <c>depends_on</c> and the steps its params reference, each checked; with the field
    /// each came from first (<paramref name="origins"/>, by step index and dependency), for a cycle to be named where it is written.
    /// </summary>
    /// <param name="literal">Steps known to reference nothing (their params are not walked); null to walk every step's.</param>
    private static List<string>[] Edges(RecipeDefinition recipe, string at, List<ViolationDto> violations, JsonObject?[]? paramsOf, bool[]? literal,
        out Dictionary<(int Step, string Dependency), string> origins)
    {
        var ids = recipe.Steps.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var edges = new List<string>[recipe.Steps.Count];
        var from = new Dictionary<(int, string), string>();
        for (var i = 0; i < recipe.Steps.Count; i++)
        {
            var step = recipe.Steps[i];
            var deps = new List<string>();
            void Add(string dep, string path, string what)
            {
                if (dep == step.Id)
                {
                    violations.Add(new ViolationDto(path, $"step '{step.Id}': {what} itself"));
                }
                else if (!ids.Contains(dep))
                {
                    violations.Add(new ViolationDto(path, $"step '{step.Id}': {what} '{Api.Problems.Truncate(dep)}', which is not a step of the recipe"));
                }
                else if (!deps.Contains(dep))
                {
                    deps.Add(dep);
                    from[(i, dep)] = path;
                }
            }

            var listed = step.DependsOn ?? [];
            for (var d = 0; d < listed.Count; d++)
            {
                Add(listed[d], $"{at}.steps[{i}].depends_on[{d}]", "depends on");
            }

            var template = literal?[i] == true ? null : paramsOf?[i] ?? (step.Params is { ValueKind: JsonValueKind.Object } p ? JsonNode.Parse(p.GetRawText()) : null);
            foreach (var (path, text) in Strings(template, $"{at}.steps[{i}].params"))
            {
                if (StepReferences.TryStep(text, out var dep))
                {
                    Add(dep, path, "uses the output of");
                }
            }

            edges[i] = deps;
        }

        origins = from;
        return edges;
    }

    private static IEnumerable<(string Path, string Text)> Strings(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    foreach (var found in Strings(child, $"{path}.{key}"))
                    {
                        yield return found;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    foreach (var found in Strings(array[i], $"{path}[{i}]"))
                    {
                        yield return found;
                    }
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                yield return (path, value.GetValue<string>());
                break;
            default:
                break;
        }
    }

    /// <summary>Whether a string anywhere in <paramref name="value"/> is, or looks like, a reference.</summary>
    private static bool HasReference(JsonElement? value) => value is { } v && v.ValueKind switch
    {
        JsonValueKind.String => StepReferences.LooksLikeReference(v.GetString()!),
        JsonValueKind.Object => v.EnumerateObject().Any(p => HasReference(p.Value)),
        JsonValueKind.Array => v.EnumerateArray().Any(e => HasReference(e)),
        _ => false,
    };

    /// <summary>Refuses a cycle, naming it (Kahn's algorithm: what is left unsorted lies on or behind a cycle).</summary>
    private static void CheckAcyclic(RecipeDefinition recipe, List<string>[] edges, Dictionary<(int Step, string Dependency), string> origins, List<ViolationDto> violations)
    {
        var index = recipe.Steps.Select((s, i) => (s.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var waiting = edges.Select(e => e.Count).ToArray();
        var dependents = new List<int>[edges.Length];
        for (var i = 0; i < edges.Length; i++)
        {
            dependents[i] = [];
        }

        for (var i = 0; i < edges.Length; i++)
        {
            foreach (var dep in edges[i])
            {
                dependents[index[dep]].Add(i);
            }
        }

        var ready = new Queue<int>(Enumerable.Range(0, edges.Length).Where(i => waiting[i] == 0));
        var sorted = 0;
        while (ready.TryDequeue(out var i))
        {
            sorted++;
            foreach (var next in dependents[i])
            {
                if (--waiting[next] == 0)
                {
                    ready.Enqueue(next);
                }
            }
        }

        if (sorted == edges.Length)
        {
            return;
        }

        // Walk back along unsorted dependencies from an unsorted step until a step repeats: that loop is a cycle.
        var start = Array.FindIndex(waiting, w => w > 0);
        var seen = new List<int>();
        var at2 = start;
        var waitsOn = new Dictionary<int, string>();
        while (!seen.Contains(at2))
        {
            seen.Add(at2);
            var dep = edges[at2].First(d => waiting[index[d]] > 0);
            waitsOn[at2] = dep;
            at2 = index[dep];
        }

        var cycle = seen.Skip(seen.IndexOf(at2)).Append(at2).Select(i => recipe.Steps[i].Id);
        // Named where the step says it needs the next one on the cycle: a depends_on entry or a param's step: reference.
        violations.Add(new ViolationDto(origins[(at2, waitsOn[at2])], $"step '{recipe.Steps[at2].Id}' is on a cycle: {string.Join(" → ", cycle)} (each needs the one after it first)"));
    }

    /// <summary><c>outputs</c> keys must name the artifact of a step that makes one; values are checked where they live.</summary>
    private static void CheckOutputs(RecipeDefinition recipe, ToolDescriptor[] tools, IReadOnlyDictionary<string, string> outputs, List<ViolationDto> violations)
    {
        foreach (var (reference, path) in outputs)
        {
            var at = $"$.outputs['{Api.Problems.Truncate(reference)}']";
            var index = StepReferences.TryStep(reference, out var stepId) ? recipe.Steps.ToList().FindIndex(s => s.Id == stepId) : -1;
            if (index < 0)
            {
                violations.Add(new ViolationDto(at, "must name a step's artifact as \"step:ID.output\", with ID a step of the recipe"));
            }
            else if (!tools[index].ProducesArtifact)
            {
                violations.Add(new ViolationDto(at, $"step '{stepId}' (tool '{tools[index].Id}') makes no artifact"));
            }
            else if (string.IsNullOrWhiteSpace(path))
            {
                violations.Add(new ViolationDto(at, "must be the path the artifact lands at"));
            }
        }
    }

    /// <summary><c>$.params.x</c> of a tool's check, said of the step that gave it.</summary>
    private static string Repath(string path, string stepAt) =>
        path.StartsWith("$.params", StringComparison.Ordinal) ? stepAt + path[1..] : $"{stepAt}.params";

    private static string Canonical(RecipeDefinition recipe) => JsonSerializer.Serialize(recipe, RestJsonContext.Default.RecipeDefinition);
}
