using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.OgcApi;

// POST /ogcapi/processes/{id}/execution: one submit, mapped onto POST /v1/jobs's (the same tool, scope, params, path,
// estimate, dedup, quota and idempotency rules), then answered synchronously or asynchronously.
internal sealed partial class OgcApi
{
    /// <summary>
    /// Without <c>Prefer: respond-async</c>, a run the tool estimates at most this long is answered synchronously; a longer
    /// one is answered as asynchronous (201), as the standard lets a server do for a process it would not hold a request for.
    /// </summary>
    public static readonly TimeSpan SyncEstimateLimit = TimeSpan.FromSeconds(10);

    /// <summary>How long a synchronous execute waits for its job (queued behind others, say) before it answers 201 instead.</summary>
    public static readonly TimeSpan SyncWait = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Executes <paramref name="processId"/> with the request's inputs as the tool's params. Asynchronous
    /// (<c>Prefer: respond-async</c>, or a long estimate): 201, <c>Location</c> and the statusInfo. Synchronous:
    /// <c>response: raw</c> (the default) answers the output itself (<c>echo</c>'s string as text/plain; a link to an
    /// artifact as 204 with a <c>Link</c> header), <c>response: document</c> the results document. 400 <c>invalid_body</c>
    /// naming each <c>$.inputs.*</c>, 403 a scope the tool needs, 404 no such process, 413, 429 as for <c>POST /v1/jobs</c>.
    /// </summary>
    public async Task<IResult> ExecuteAsync(HttpContext http, string processId)
    {
        if (FindProcess(processId) is not { } tool)
        {
            return OgcProblems.NoSuchProcess(processId);
        }

        var (request, problem, canonical) = await RequestBody.ReadCanonicalAsync(http, OgcJsonContext.Default.OgcExecuteRequest).ConfigureAwait(false);
        if (request is null)
        {
            return problem!;
        }

        var violations = new List<ViolationDto>();
        var parameters = Params(request.Inputs, violations);
        CheckOptions(tool, request, violations);
        if (violations.Count > 0)
        {
            return Problems.InvalidBody(violations);
        }

        var (idempotency, keyProblem) = IdempotencyKeys.From(http, tool.Id + "\n" + canonical, options.IdempotencyKeyLifetime);
        if (keyProblem is not null)
        {
            return keyProblem;
        }

        var links = OgcLinks.Of(http);
        var submit = new SubmitRequest { Tool = tool.Id, Params = parameters };
        var submission = await jobs.SubmitAsync(ScopeFilter.Current(http), submit, idempotency, (outcome, _, _) => Answer(outcome, links)).ConfigureAwait(false);
        if (submission.Refused is { } refused)
        {
            return Problems.Result(OgcProblems.InInputs(refused));
        }

        var asynchronous = IdempotencyKeys.Answer(submission.Submitted.Result, submission.Submitted.Answer, options.Quotas.RetryAfter);
        if (PrefersAsync(http))
        {
            http.Response.Headers["Preference-Applied"] = "respond-async";
            return asynchronous;
        }

        if (submission.Submitted.Answer is not { Status: 201, Location: { } location } || submission.Estimate.Seconds > SyncEstimateLimit.TotalSeconds)
        {
            return asynchronous;
        }

        var id = long.Parse(location.AsSpan(location.LastIndexOf('/') + 1), CultureInfo.InvariantCulture);
        var job = await WaitForEndAsync(id, http.RequestAborted).ConfigureAwait(false);
        return job is { } ended && ended.JobState.IsTerminal()
            ? await SyncAnswerAsync(http, ended, tool, request.Response ?? "raw", links).ConfigureAwait(false)
            : asynchronous;
    }

    /// <summary>The answer, shaped in the ledger's transaction from its outcome alone (stored with an idempotency key).</summary>
    private static StoredAnswer Answer(SubmitOutcome outcome, OgcLinks links) => outcome.Job is not { } job
        ? JobsApi.RefusedAnswer(outcome)
        : new StoredAnswer(201, links.Job(job.Id), JsonSerializer.Serialize(StatusOf(job, links), OgcJson.Wire.OgcStatusInfo));

    /// <summary>
    /// The inputs as params: a plain value as it is, a qualified value (<c>{"value": …, "mediaType": …}</c>) its
    /// <c>value</c>. A link (<c>{"href": …}</c>) is refused: inputs are paths in the data root, which the agents read.
    /// </summary>
    private static JsonElement Params(Dictionary<string, JsonElement>? inputs, List<ViolationDto> violations)
    {
        var parameters = new JsonObject();
        foreach (var (name, value) in inputs ?? [])
        {
            if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("href", out _))
            {
                violations.Add(new ViolationDto($"$.inputs.{name}", "is a link; inputs by reference are not taken: name a path in the data root"));
                continue;
            }

            var given = value.ValueKind == JsonValueKind.Object && value.TryGetProperty("value", out var qualified) ? qualified : value;
            parameters[name] = JsonNode.Parse(given.GetRawText());
        }

        using var document = JsonDocument.Parse(parameters.ToJsonString());
        return document.RootElement.Clone();
    }

    private static void CheckOptions(ToolDescriptor tool, OgcExecuteRequest request, List<ViolationDto> violations)
    {
        if (request.Response is { } response && response is not ("raw" or "document"))
        {
            violations.Add(new ViolationDto("$.response", "must be 'raw' or 'document'"));
        }

        if (request.Subscriber is not null)
        {
            violations.Add(new ViolationDto("$.subscriber", "callbacks are not offered (no callback conformance class): poll the job's Location instead"));
        }

        var outputs = OgcProcesses.Describe(tool, new OgcLinks("")).Outputs!;
        var mode = OgcProcesses.ByValue(tool) ? "value" : "reference";
        foreach (var (name, output) in request.Outputs ?? [])
        {
            if (!outputs.ContainsKey(name))
            {
                violations.Add(new ViolationDto($"$.outputs.{name}", outputs.Count == 0
                    ? $"is not an output: {tool.Id} has none"
                    : $"is not an output of {tool.Id}; it has {string.Join(", ", outputs.Keys)}"));
            }
            else if (output.TransmissionMode is { } asked && asked != mode)
            {
                violations.Add(new ViolationDto($"$.outputs.{name}.transmissionMode", $"must be '{mode}': the only way {name} is sent"));
            }
        }
    }

    /// <summary><c>Prefer: respond-async</c> (RFC 7240), among other preferences or alone.</summary>
    private static bool PrefersAsync(HttpContext http) =>
        http.Request.Headers["Prefer"].SelectMany(v => (v ?? "").Split([',', ';'], StringSplitOptions.TrimEntries))
            .Any(p => string.Equals(p, "respond-async", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Polls the ledger until the job ends, <see cref="SyncWait"/> passes or the caller leaves. Reads are cheap (pooled
    /// read-only connections under WAL), and this is the one place a request waits for a job, only for short runs.
    /// </summary>
    private async Task<JobRow?> WaitForEndAsync(long id, CancellationToken aborted)
    {
        var waited = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var job = await ledger.GetJobAsync(id).ConfigureAwait(false);
            if (job is null || job.JobState.IsTerminal() || waited.Elapsed >= SyncWait || aborted.IsCancellationRequested)
            {
                return job;
            }

            try
            {
                await Task.Delay(pause, aborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return job;
            }

            pause = TimeSpan.FromMilliseconds(Math.Min(250, pause.TotalMilliseconds * 1.5));
        }
    }

    private async Task<IResult> SyncAnswerAsync(HttpContext http, JobRow job, ToolDescriptor tool, string response, OgcLinks links)
    {
        http.Response.Headers.Location = links.Job(job.Id);
        if (job.JobState != JobState.Completed)
        {
            return EndedWithout(job);
        }

        var (results, problem) = await ResultsOfAsync(job, links).ConfigureAwait(false);
        if (results is null)
        {
            return problem!;
        }

        if (response == "document")
        {
            return Results.Json(results, OgcJson.Wire.JsonObject);
        }

        if (OgcProcesses.ByValue(tool) && results[OgcProcesses.EchoOutput] is JsonValue text)
        {
            return Results.Text(text.GetValue<string>(), "text/plain; charset=utf-8");
        }

        // A raw output sent by reference: no body, a Link header per output (ExecuteSyncRawRef.yaml).
        foreach (var (name, link) in results)
        {
            http.Response.Headers.Append("Link", $"<{link!["href"]}>; rel=\"{name}\"; type=\"{link["type"]}\"");
        }

        return Results.NoContent();
    }
}
