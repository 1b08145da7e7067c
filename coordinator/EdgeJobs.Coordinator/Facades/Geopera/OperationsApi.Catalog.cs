using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.Geopera;

// The read-only catalog operations: processes are the tool catalog (exec tools included), a process's inputs its
// tool's params, validated and estimated exactly as a submit would be, with no side effects.
internal sealed partial class OperationsApi
{
    private async Task<IResult> ListProcessesAsync(HttpContext http, string operation)
    {
        var (_, problem, _) = await BodyAsync(http, GeoperaJsonContext.Default.EmptyInput).ConfigureAwait(false);
        return problem ?? Json(new ProcessListDto([.. _catalog.Tools.Select(t => t.ToDto())]), GeoperaJson.Wire.ProcessListDto);
    }

    private async Task<IResult> GetProcessAsync(HttpContext http, string operation)
    {
        var (input, problem, _) = await BodyAsync(http, GeoperaJsonContext.Default.ProcessGetInput).ConfigureAwait(false);
        if (input is null)
        {
            return problem!;
        }

        return _catalog.Find(input.ProcessId) is { } tool
            ? Json(tool.ToDto(), RestJson.Wire.ToolDto)
            : ProcessNotFound(input.ProcessId);
    }

    private async Task<IResult> ListJobTypesAsync(HttpContext http, string operation)
    {
        var (input, problem, _) = await BodyAsync(http, GeoperaJsonContext.Default.JobTypesInput).ConfigureAwait(false);
        if (input is null)
        {
            return problem!;
        }

        var types = _catalog.Tools
            .Where(t => input.Category is null || t.Category.Equals(input.Category, StringComparison.OrdinalIgnoreCase))
            .Select(t => new JobTypeDto(t.Id, t.Title, t.Category, t.Version));
        return Json(new JobTypeListDto([.. types]), GeoperaJson.Wire.JobTypeListDto);
    }

    /// <summary>Every check of a submit; the document's "empty body on success": 204.</summary>
    private async Task<IResult> ValidateAsync(HttpContext http, string operation)
    {
        var (input, problem, _) = await BodyAsync(http, GeoperaJsonContext.Default.ProcessRunInput).ConfigureAwait(false);
        if (input is null)
        {
            return problem!;
        }

        var (estimate, refused) = await _jobs.EstimateAsync(AsSubmitter(ScopeFilter.Current(http)), Submit(input.ProcessId, input.Inputs)).ConfigureAwait(false);
        return estimate is null ? Refused(refused!) : Results.NoContent();
    }

    private async Task<IResult> EstimateAsync(HttpContext http, string operation)
    {
        var (input, problem, _) = await BodyAsync(http, GeoperaJsonContext.Default.ProcessRunInput).ConfigureAwait(false);
        if (input is null)
        {
            return problem!;
        }

        var (estimate, refused) = await _jobs.EstimateAsync(AsSubmitter(ScopeFilter.Current(http)), Submit(input.ProcessId, input.Inputs)).ConfigureAwait(false);
        return estimate is null
            ? Refused(refused!)
            : Json(new ProcessEstimateDto(input.ProcessId, estimate.EstimatedSeconds, estimate.EstimatedOutputBytes, estimate.EstimatedCredits)
            {
                CannotEstimate = estimate.CannotEstimate,
            }, GeoperaJson.Wire.ProcessEstimateDto);
    }

    /// <summary>A submit of <paramref name="processId"/> with <paramref name="inputs"/> as its params.</summary>
    private static SubmitRequest Submit(string processId, System.Text.Json.JsonElement? inputs) => new() { Tool = processId, Params = inputs };

    /// <summary>
    /// A refusal of the one submit, in the operations' words: the process is <c>process_id</c> and its params are
    /// <c>inputs</c>, so the fields a problem names are renamed to match what the caller sent.
    /// </summary>
    private static IResult Refused(ProblemDto problem)
    {
        if (problem.ErrorCode == "unknown_tool")
        {
            return Problems.Of(404, "process_not_found", "No such process", problem.Detail?.Replace("no tool", "no process", StringComparison.Ordinal),
                [new ViolationDto("$.process_id", "is not a known process")]);
        }

        return Problems.Result(problem with
        {
            Detail = problem.Detail?.Replace("$.params", "$.inputs", StringComparison.Ordinal).Replace("$.tool", "$.process_id", StringComparison.Ordinal),
            Errors = problem.Errors?.Select(e => e with { Path = Renamed(e.Path) }).ToList(),
        });
    }

    private static string Renamed(string path) =>
        path.StartsWith("$.params", StringComparison.Ordinal) ? "$.inputs" + path["$.params".Length..]
        : path switch { "$.tool" => "$.process_id", "$.workspace" => "$.workspaceId", "$.project" => "$.project_id", _ => path };

    private static IResult ProcessNotFound(string id) =>
        Problems.Of(404, "process_not_found", "No such process", $"no process '{Problems.Truncate(id)}'", [new ViolationDto("$.process_id", "is not a known process")]);
}
