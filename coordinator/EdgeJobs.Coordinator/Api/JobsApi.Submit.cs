using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Coordinator.Tools;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Api;

/// <summary>What one submit came to: refused (nothing changed), or the ledger's outcome with the answer to give.</summary>
/// <param name="Refused">The problem when a check refused the request; then nothing else is set.</param>
/// <param name="Submitted">The ledger's outcome and the answer shaped from it (stored with an idempotency key).</param>
/// <param name="Estimate">The tool's estimate for the checked params.</param>
internal sealed record Submission(ProblemDto? Refused, Idempotent<SubmitOutcome> Submitted, ToolEstimate Estimate);

// The one submit behind every front door: POST /v1/jobs and the seed APIs (Facades/) call it with the caller and a
// SubmitRequest, so a job is checked, deduplicated, counted against the quotas and dispatched the same way whichever
// vocabulary it arrived in. Refusals are values (ProblemDto): each front door names fields in its own words.
internal sealed partial class JobsApi
{
    /// <summary>
    /// Checks <paramref name="request"/> for <paramref name="principal"/> and submits it under the dedup, quota and
    /// idempotency rules; <paramref name="answer"/> shapes the answer from the outcome, the submit's note (a warning
    /// for the caller) and the tool's estimate, inside the ledger's transaction.
    /// </summary>
    public async Task<Submission> SubmitAsync(Principal principal, SubmitRequest request, IdempotencyRequest? idempotency,
        Func<SubmitOutcome, string?, ToolEstimate, StoredAnswer> answer)
    {
        // A build on a dataset without a path is every pending entry's build: a recipe job of one step per entry.
        if (Datasets.DatasetBuilds.IsPathless(request))
        {
            ProblemDto? problem;
            (request, problem) = await Datasets.DatasetBuilds.ExpandAsync(ledger, principal, request).ConfigureAwait(false);
            if (problem is not null)
            {
                return new Submission(problem, default, default);
            }
        }

        if (IsRecipeRequest(request))
        {
            return await SubmitRecipeAsync(principal, request, idempotency, answer).ConfigureAwait(false);
        }

        var (prepared, refused) = await PrepareAsync(principal, request).ConfigureAwait(false);
        if (prepared is null)
        {
            return new Submission(refused, default, default);
        }

        var policy = new SubmitPolicy
        {
            Force = request.Force ?? false,
            Lookback = options.DedupLookback,
            RequiresArtifact = prepared.Tool.ProducesArtifact,
            Quotas = options.Quotas,
        };
        // With a key, the answer is stored with the job, in the same transaction.
        var (note, estimate) = (prepared.Note, prepared.Estimate);
        var submitted = await ledger.SubmitAsync(prepared.Job, policy, idempotency, outcome => answer(outcome, note, estimate)).ConfigureAwait(false);
        if (submitted.RanNow(out var outcome) && outcome is { Result: SubmitResult.Created, Job: { } created })
        {
            logger.JobSubmitted(created.Id, created.Tool, created.ToolVersion, created.Owner);
            dispatcher.Kick();
        }

        return new Submission(null, submitted, prepared.Estimate);
    }

    private sealed record Prepared(SubmitRequest Request, ToolDescriptor Tool, NewJob Job, ToolEstimate Estimate, string? Note);

    /// <summary>
    /// Everything a submit checks before it touches the ledger: the tool and its scope, the params, the job options,
    /// the input files (inside the data root or the dataset), and the output estimate.
    /// </summary>
    private async Task<(Prepared? Prepared, ProblemDto? Problem)> PrepareAsync(Principal principal, SubmitRequest request)
    {
        if (request.Tool is null)
        {
            return (null, Problems.InvalidBodyDto([new ViolationDto("$.tool", "is required (or, for a recipe job, recipe or recipe_id)")]));
        }

        if (request.Inputs is not null || request.Outputs is not null || request.OnExit is not null)
        {
            var field = request.Inputs is not null ? "inputs" : request.Outputs is not null ? "outputs" : "on_exit";
            return (null, Problems.InvalidBodyDto([new ViolationDto("$." + field, "is for recipe jobs (recipe or recipe_id); a one-tool job names its paths in params")]));
        }

        var tool = catalog.Find(request.Tool, request.Version);
        if (tool is null)
        {
            var known = string.Join(", ", catalog.Tools.Select(t => $"{t.Id} v{t.Version}"));
            return (null, catalog.Find(request.Tool) is { } other
                ? Problems.Dto(400, "unknown_tool_version", "Unknown tool version",
                    $"tool '{request.Tool}' has version {other.Version}, not '{request.Version}'",
                    [new ViolationDto("$.version", $"must be '{other.Version}'")])
                : Problems.Dto(400, "unknown_tool", "Unknown tool",
                    $"no tool '{Problems.Truncate(request.Tool)}'; known: {known}", [new ViolationDto("$.tool", "is not a known tool")]));
        }

        if (!principal.Has(tool.RequiredScope))
        {
            return (null, Problems.ForbiddenDto($"tool '{tool.Id}' needs the scope '{tool.RequiredScope}'"));
        }

        var violations = new List<ViolationDto>();
        CheckJobOptions(request, violations);
        if (request.ParentId is { } parent && await ledger.IsCampaignBatchAsync(parent).ConfigureAwait(false))
        {
            violations.Add(new ViolationDto("$.parent_id", $"job {parent} is a campaign's parent batch: only it makes its children"));
        }

        var check = tool.Check(request.Params);
        violations.AddRange(check.Violations);
        if (violations.Count > 0 || !check.IsValid)
        {
            return (null, InvalidParams(violations));
        }

        foreach (var (path, url) in tool.InputUrls(check.CanonicalJson!))
        {
            if (!options.InputUrlAllow.Contains(url.Host, StringComparer.OrdinalIgnoreCase))
            {
                violations.Add(new ViolationDto(path, options.InputUrlAllow.Count == 0
                    ? "input URLs are off: agents read only hosts named by the coordinator's --input-url-allow, and none is"
                    : $"host '{Problems.Truncate(url.Host)}' is not one agents may read (--input-url-allow: {string.Join(", ", options.InputUrlAllow)})"));
            }
        }

        if (violations.Count > 0)
        {
            return (null, InvalidParams(violations));
        }

        var (place, placeProblem) = await ResolvePlaceAsync(principal, request, tool, check.CanonicalJson!).ConfigureAwait(false);
        if (place is null)
        {
            return (null, placeProblem);
        }

        var inputs = place.Inputs;
        var estimate = tool.Estimate(check.CanonicalJson!, inputs);
        if (estimate.OutputBytes > options.Quotas.MaxOutputBytesPerJob)
        {
            return (null, Problems.Dto(413, "estimated_output_too_large", "Estimated output too large",
                $"the job would write about {estimate.OutputBytes} bytes; the limit per job is {options.Quotas.MaxOutputBytesPerJob}"));
        }

        var (account, accountProblem) = await AccountAsync(principal, request, tool, check.CanonicalJson!, place.Org, estimate).ConfigureAwait(false);
        if (account is null)
        {
            return (null, accountProblem);
        }

        var job = new NewJob
        {
            Tool = tool.Id,
            ToolVersion = tool.Version,
            Params = check.CanonicalJson!,
            Owner = principal.Name,
            Org = place.Org,
            Dataset = place.Dataset,
            NodeLabels = place.NodeLabelsJson,
            Priority = request.Priority ?? 0,
            MaxAttempts = request.MaxAttempts,
            TimeoutMs = request.TimeoutS is { } t ? (long)(t * 1000) : null,
            CampaignId = request.CampaignId,
            ParentId = request.ParentId,
            DedupKey = DedupKey.Of(principal.Name, tool.Id, tool.Version, check.CanonicalJson!, inputs),
            Workspace = account.Workspace,
            Reserve = account.Reserve,
            Project = account.Project,
            InitialState = account.InitialState,
        };
        return (new Prepared(request, tool, job, estimate, place.Note), null);
    }

    /// <summary>
    /// A campaign child checked as <paramref name="principal"/>'s own submit would be (tool, scope, params, paths, output
    /// estimate), without touching the ledger: the batch reader makes the children of a page in one transaction.
    /// </summary>
    public async Task<(NewJob? Job, ProblemDto? Problem)> PrepareChildAsync(Principal principal, SubmitRequest request)
    {
        var (prepared, problem) = await PrepareAsync(principal, request).ConfigureAwait(false);
        return (prepared?.Job, problem);
    }

    private static ProblemDto InvalidParams(IReadOnlyList<ViolationDto> violations) =>
        Problems.InvalidParamsDto(violations);

    private static void CheckJobOptions(SubmitRequest request, List<ViolationDto> violations)
    {
        if (request.Priority is < -1000 or > 1000)
        {
            violations.Add(new ViolationDto("$.priority", "must be between -1000 and 1000"));
        }

        if (request.MaxAttempts is < 1 or > 100)
        {
            violations.Add(new ViolationDto("$.max_attempts", "must be between 1 and 100"));
        }

        if (request.TimeoutS is { } timeout && (!double.IsFinite(timeout) || timeout <= 0 || timeout > 30 * 86400))
        {
            violations.Add(new ViolationDto("$.timeout_s", "must be above 0 and at most 2592000 (30 days)"));
        }

        if (request.CampaignId is <= 0)
        {
            violations.Add(new ViolationDto("$.campaign_id", "must be a positive id"));
        }

        if (request.ParentId is <= 0)
        {
            violations.Add(new ViolationDto("$.parent_id", "must be a positive id"));
        }
    }
}
