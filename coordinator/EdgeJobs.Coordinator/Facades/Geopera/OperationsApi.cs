using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator.Facades.Geopera;

/// <summary>
/// Seed 002's fifteen <c>processing.*</c> operations over the one core (design §8.5, §8.7): the catalog is the tool
/// catalog, a process's inputs are its tool's params, a processing job is a job (visible through every other API), and
/// credits are the workspace's (<c>execute</c> reserves in the insert's transaction, <c>register</c> settles). Each
/// operation names its scope as the document's table does; the spending ones take an <c>Idempotency-Key</c>, shared by
/// both URL forms.
/// </summary>
internal sealed partial class OperationsApi
{
    private sealed record Operation(string Scope, Func<HttpContext, string, Task<IResult>> Run);

    private readonly JobLedger _ledger;
    private readonly JobsApi _jobs;
    private readonly TilesApi _tiles;
    private readonly ToolCatalog _catalog;
    private readonly CoordinatorOptions _options;
    private readonly ILogger _logger;
    private readonly FrozenDictionary<string, Operation> _operations;

    public OperationsApi(JobLedger ledger, JobsApi jobs, TilesApi tiles, ToolCatalog catalog, CoordinatorOptions options, ILogger logger)
    {
        (_ledger, _jobs, _tiles, _catalog, _options, _logger) = (ledger, jobs, tiles, catalog, options, logger);
        _operations = new Dictionary<string, Operation>
        {
            ["processing.catalog.estimate"] = new(Scopes.ProcessingRead, EstimateAsync),
            ["processing.catalog.get"] = new(Scopes.ProcessingRead, GetProcessAsync),
            ["processing.catalog.list"] = new(Scopes.ProcessingRead, ListProcessesAsync),
            ["processing.catalog.validate"] = new(Scopes.ProcessingRead, ValidateAsync),
            ["processing.create"] = new(Scopes.ProcessingProcess, (http, id) => CreateAsync(http, id, dispatch: false)),
            ["processing.create_and_dispatch"] = new(Scopes.ProcessingProcess, (http, id) => CreateAsync(http, id, dispatch: true)),
            ["processing.dispatch"] = new(Scopes.ProcessingProcess, DispatchAsync),
            ["processing.execute"] = new(Scopes.ProcessingProcess, ExecuteAsync),
            ["processing.job_types.list"] = new(Scopes.ProcessingRead, ListJobTypesAsync),
            ["processing.job.delete"] = new(Scopes.ClipDestroy, DeleteJobAsync),
            ["processing.job.get"] = new(Scopes.ProcessingRead, GetJobAsync),
            ["processing.job.register"] = new(Scopes.ProcessingProcess, RegisterAsync),
            ["processing.job.tile_info"] = new(Scopes.ClipRead, TileInfoAsync),
            ["processing.jobs.list"] = new(Scopes.ProcessingRead, ListJobsAsync),
            ["processing.project_job.get"] = new(Scopes.ProcessingRead, GetProjectJobAsync),
            ["processing.project_jobs.list"] = new(Scopes.ProcessingRead, ListProjectJobsAsync),
        }.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Every operation id, for the route table's documentation and tests.</summary>
    public IReadOnlyList<string> OperationIds => [.. _operations.Keys.Order(StringComparer.Ordinal)];

    public async Task<IResult> InvokeAsync(HttpContext http, string operationId)
    {
        if (!_operations.TryGetValue(operationId, out var operation))
        {
            return Problems.Of(404, "unknown_operation", "Unknown operation",
                $"no operation '{Problems.Truncate(operationId)}'; known: {string.Join(", ", OperationIds)}");
        }

        var principal = ScopeFilter.Current(http);
        return ScopeFilter.Forbidden(principal, operation.Scope, $"(operation {operationId})")
            ?? await operation.Run(http, operationId).ConfigureAwait(false);
    }

    /// <summary>
    /// The operation's body as <paramref name="type"/>, read as strictly as v1's (every violation listed); an empty body
    /// reads as <c>{}</c>, so an operation without required fields may be called without one.
    /// </summary>
    private static async Task<(T? Value, IResult? Problem, string Canonical)> BodyAsync<T>(HttpContext http, JsonTypeInfo<T> type)
        where T : class
    {
        if (http.Request.ContentLength == 0)
        {
            var empty = JsonElement.Parse("{}");
            var violations = new List<ViolationDto>();
            EdgeJobs.Catalog.Params.JsonShapeChecker.Check(empty, type, "$", violations);
            return violations.Count > 0 ? (null, Problems.InvalidBody(violations), "") : (empty.Deserialize(type), null, "{}");
        }

        return await RequestBody.ReadCanonicalAsync(http, type).ConfigureAwait(false);
    }

    /// <summary>A job id as the document gives it (a string of digits); the problem otherwise.</summary>
    private static (long Id, IResult? Problem) JobId(string raw) => JobIds.TryParse(raw, out var id)
        ? (id, null)
        : (0, Problems.InvalidBody([new ViolationDto("$.job_id", "must be a job id: a positive integer, as a string")]));

    /// <summary>
    /// The caller as the one submit sees it: <c>processing:process</c> runs processes, which is what <c>jobs:write</c>
    /// lets a v1 caller do, so the tool's own scope check passes for it as it would for a v1 writer.
    /// </summary>
    private static Principal AsSubmitter(Principal principal) => principal.Has(Scopes.ProcessingProcess) && !principal.Has(Scopes.JobsWrite)
        ? principal with { Scopes = new HashSet<string>(principal.Scopes.Append(Scopes.JobsWrite), StringComparer.Ordinal) }
        : principal;

    private static IResult Json<T>(T value, JsonTypeInfo<T> type, int status = 200) => Results.Json(value, type, statusCode: status);
}
