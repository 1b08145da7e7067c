using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Protocol.Datasets;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Api;

// Where a job's paths are: the data root (today's jobs), a dataset's entries (`dataset: "org/ds"`), or a node's
// own data root (`node_labels` without a dataset), which the coordinator cannot see.
internal sealed partial class JobsApi
{
    /// <summary>Most labels a job may require.</summary>
    public const int MaxNodeLabels = 16;

    /// <summary>The place a submit's paths resolve in, once checked.</summary>
    private sealed record JobPlace(string Org, string? Dataset, string? NodeLabelsJson, IReadOnlyList<InputFile> Inputs, string? Note);

    /// <summary>
    /// Resolves and checks the job's input and output paths where they live; the problem (400 naming the params
    /// path, 403, 404) when they cannot be used. Without a dataset and with node labels, paths are the node's own and
    /// only their form is checked: the agent refuses a missing one when it runs the job.
    /// </summary>
    /// <param name="checkInput">Which of the tool's input paths to check (a recipe step's artifacts of earlier steps do not exist yet); all when null.</param>
    private async Task<(JobPlace? Place, ProblemDto? Problem)> ResolvePlaceAsync(Principal principal, SubmitRequest request, ToolDescriptor tool, string canonical,
        Func<InputPath, bool>? checkInput = null)
    {
        var (place, problem) = await ResolvePathsAsync(principal, request, tool, canonical, checkInput).ConfigureAwait(false);
        // An exec tool is known from the ledger while no agent that has it may be connected: the job waits for one.
        if (place is not null && tool is Catalog.Exec.ExecToolDescriptor && !dispatcher.Sessions.Any(s => s.Tools.Contains(tool.Id)))
        {
            var waits = $"no connected agent has exec tool '{tool.Id}'; the job waits until one connects";
            place = place with { Note = place.Note is null ? waits : place.Note + "; " + waits };
        }

        return (place, problem);
    }

    private async Task<(JobPlace? Place, ProblemDto? Problem)> ResolvePathsAsync(Principal principal, SubmitRequest request, ToolDescriptor tool, string canonical,
        Func<InputPath, bool>? checkInput)
    {
        IReadOnlyList<InputPath> inputPaths = [.. tool.InputPaths(canonical).Where(p => checkInput?.Invoke(p) ?? true)];
        var (labelsJson, labelViolation) = NodeLabelsJson(request.NodeLabels);
        if (labelViolation is not null)
        {
            return (null, InvalidParams([labelViolation]));
        }

        if (request.Dataset is null && tool.RequiresDataset)
        {
            return (null, InvalidParams([new ViolationDto("$.dataset", $"is required: tool '{tool.Id}' works on a dataset ('org/name')")]));
        }

        if (request.Dataset is { } named)
        {
            return await ResolveInDatasetAsync(principal, named, tool, canonical, inputPaths, labelsJson).ConfigureAwait(false);
        }

        if (labelsJson is not null)
        {
            var violations = new List<ViolationDto>();
            foreach (var input in inputPaths)
            {
                if (Catalog.Paths.DataRootPaths.Check(input.RelativePath) is { } reason)
                {
                    violations.Add(new ViolationDto(input.JsonPath, reason));
                }
            }

            if (tool.OutputPath(canonical) is { } output && Catalog.Paths.DataRootPaths.Check(output.RelativePath) is { } outputReason)
            {
                violations.Add(new ViolationDto(output.JsonPath, outputReason));
            }

            return violations.Count > 0
                ? (null, InvalidParams(violations))
                : (new JobPlace(principal.HomeOrg, null, labelsJson, [], "paths are in the data root of a node with the requested labels; the coordinator cannot check them, the agent refuses a missing one"), null);
        }

        var (inputs, inputViolations) = dataRootPaths.ResolveInputs(inputPaths);
        if (inputViolations.Count > 0)
        {
            return (null, InvalidParams(inputViolations));
        }

        if (tool.OutputPath(canonical) is { } rootOutput && dataRootPaths.ResolveOutput(rootOutput).Violation is { } outputViolation)
        {
            return (null, InvalidParams([outputViolation]));
        }

        return (new JobPlace(principal.HomeOrg, null, null, inputs, null), null);
    }

    private async Task<(JobPlace? Place, ProblemDto? Problem)> ResolveInDatasetAsync(Principal principal, string named, ToolDescriptor tool, string canonical,
        IReadOnlyList<InputPath> inputPaths, string? labelsJson)
    {
        if (!DatasetNames.TrySplit(named, null, out var org, out var ds))
        {
            return (null, InvalidParams([new ViolationDto("$.dataset", "must be 'org/dataset', each " + DatasetNames.Rule)]));
        }

        var output = tool.OutputPath(canonical);
        var writes = output is not null || tool.WritesDataset;
        if (!principal.Has(Scopes.DatasetsRead) || (writes && !principal.Has(Scopes.DatasetsWrite)))
        {
            return (null, Problems.ForbiddenDto(!writes
                ? "a job on a dataset needs the scope 'datasets:read'"
                : "a job writing into a dataset needs the scopes 'datasets:read' and 'datasets:write'"));
        }

        if (!principal.SeesDataset(org, ds) || await ledger.GetDatasetAsync(org, ds).ConfigureAwait(false) is null)
        {
            return (null, Problems.Dto(404, "dataset_not_found", "No such dataset", $"dataset '{org}/{ds}' does not exist"));
        }

        var violations = new List<ViolationDto>();
        var inputs = new List<InputFile>();
        foreach (var input in inputPaths)
        {
            if (DatasetPaths.Check(input.RelativePath, out var path) is { } reason)
            {
                violations.Add(new ViolationDto(input.JsonPath, reason));
                continue;
            }

            var entry = await ledger.GetEntryAsync(org, ds, path).ConfigureAwait(false);
            if (entry is null)
            {
                violations.Add(new ViolationDto(input.JsonPath, $"is not an entry of dataset '{org}/{ds}'"));
                continue;
            }

            if (datasets.LinkOnPath(org, ds, path) is { } link)
            {
                violations.Add(new ViolationDto(input.JsonPath, Datasets.DatasetStore.LinkRefusal(link)));
                continue;
            }

            // The dataset is part of an input's identity (dedup): the same path in another dataset is another file.
            inputs.Add(new InputFile($"{org}/{ds}:{path}", entry.Size, JobMapper.Time(entry.Mtime)) { FullPath = datasets.FilePath(org, ds, path) });
        }

        if (output is not null)
        {
            if (DatasetPaths.Check(output.RelativePath, out var path) is { } reason)
            {
                violations.Add(new ViolationDto(output.JsonPath, reason));
            }
            else if (!output.Extensions.Contains(Path.GetExtension(path).ToLowerInvariant()))
            {
                violations.Add(new ViolationDto(output.JsonPath, "must end in " + string.Join(" or ", output.Extensions)));
            }
            else if (!output.Overwrite && await ledger.GetEntryAsync(org, ds, path).ConfigureAwait(false) is not null)
            {
                violations.Add(new ViolationDto(output.JsonPath, $"exists in dataset '{org}/{ds}'; set overwrite: true to replace it"));
            }
            else if (datasets.Obstacle(org, ds, path) is { } obstacle)
            {
                violations.Add(new ViolationDto(output.JsonPath, obstacle));
            }
        }

        return violations.Count > 0 ? (null, InvalidParams(violations)) : (new JobPlace(org, ds, labelsJson, inputs, null), null);
    }

    /// <summary>The labels as the JSON object the scheduler matches; null for none.</summary>
    private static (string? Json, ViolationDto? Violation) NodeLabelsJson(IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null || labels.Count == 0)
        {
            return (null, null);
        }

        if (labels.Count > MaxNodeLabels)
        {
            return (null, new ViolationDto("$.node_labels", $"at most {MaxNodeLabels} labels"));
        }

        foreach (var (key, value) in labels)
        {
            if (!NodeLabels.IsValidKey(key))
            {
                return (null, new ViolationDto($"$.node_labels", $"key '{Problems.Truncate(key)}' {NodeLabels.Rule}"));
            }

            if (!NodeLabels.IsValidValue(value))
            {
                return (null, new ViolationDto($"$.node_labels.{key}", NodeLabels.Rule));
            }
        }

        return (JsonText.Object(labels), null);
    }
}
