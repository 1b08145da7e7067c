using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Credits;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Api;

/// <summary>Who pays for a job and where it belongs: its workspace's reservation, its project, whether it is held.</summary>
internal sealed record JobAccount(string? Workspace, long Reserve, string? Project, JobState InitialState)
{
    public static readonly JobAccount None = new(null, 0, null, JobState.Scheduled);
}

// A submit's workspace, project and hold (design §8.1, §8.5), checked like every other field before the ledger is
// touched; the reservation itself is made (or refused with 402) in the insert's transaction.
internal sealed partial class JobsApi
{
    private async Task<(JobAccount? Account, ProblemDto? Problem)> AccountAsync(Principal principal, SubmitRequest request, ToolDescriptor tool,
        string canonicalParams, string org, ToolEstimate estimate)
    {
        if (request.Workspace is null && request.Project is null && request.Hold is not true)
        {
            return (JobAccount.None, null);
        }

        var violations = new List<ViolationDto>();
        long reserve = 0;
        if (request.Workspace is { } workspace)
        {
            if (!Slugs.IsValid(workspace))
            {
                violations.Add(new ViolationDto("$.workspace", Slugs.Rule));
            }
            else if (await ledger.GetWorkspaceAsync(org, workspace).ConfigureAwait(false) is null)
            {
                violations.Add(new ViolationDto("$.workspace", $"org '{org}' has no workspace '{workspace}'"));
            }
            else if (CannotEstimate(tool, canonicalParams) is { } why)
            {
                return (null, Problems.Dto(422, "cannot_estimate", "Cannot estimate the price",
                    $"{why}: the credits to reserve are not known; submit it without a workspace"));
            }
            else
            {
                reserve = options.Prices.Of(tool.Id, estimate);
            }
        }

        if (request.Project is { } project)
        {
            if (!Slugs.IsValid(project))
            {
                violations.Add(new ViolationDto("$.project", Slugs.Rule));
            }
            else if (await ledger.GetProjectAsync(org, project).ConfigureAwait(false) is null)
            {
                violations.Add(new ViolationDto("$.project", $"org '{org}' has no project '{project}'"));
            }
            else if (!principal.IsAdmin && !await ledger.IsProjectMemberAsync(org, project, principal.Name).ConfigureAwait(false))
            {
                violations.Add(new ViolationDto("$.project", $"this token ('{principal.Name}') is not a member of project '{project}'"));
            }
        }

        return violations.Count > 0
            ? (null, Problems.InvalidBodyDto(violations))
            : (new JobAccount(request.Workspace, reserve, request.Project, request.Hold is true ? JobState.Held : JobState.Scheduled), null);
    }

    /// <summary>Why a job's price cannot be known before it runs (its inputs are URLs whose sizes are unknown), or null.</summary>
    internal static string? CannotEstimate(ToolDescriptor tool, string canonicalParams) =>
        tool.InputUrls(canonicalParams).Any() ? $"tool '{tool.Id}' reads input URLs whose sizes are unknown until it runs" : null;

    /// <summary>The answer of a submit its workspace could not pay for, as stored with an idempotency key.</summary>
    internal static StoredAnswer CreditsAnswer(SubmitOutcome outcome) => new(402, null, System.Text.Json.JsonSerializer.Serialize(
        Problems.Dto(402, "insufficient_credits", "Insufficient credits",
            $"the workspace can reserve {CreditAmounts.ToCredits(outcome.Limit).ToString(System.Globalization.CultureInfo.InvariantCulture)} more credits, less than this job's price"),
        RestJson.Wire.ProblemDto));
}
