using EdgeJobs.Coordinator.Api;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Facades.OgcApi;

/// <summary>
/// The facade's refusals: problem+json as everywhere (<c>exception.yaml</c> is RFC 7807), with the exception types the
/// standard defines where it defines one, so generic clients can tell them apart; <c>error_code</c> stays EdgeJobs'.
/// </summary>
internal static class OgcProblems
{
    private const string Exceptions = "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/";

    public static IResult NoSuchProcess(string id) => Of(404, "no-such-process", "process_not_found", "No such process",
        $"no process '{Problems.Truncate(id)}'; GET /ogcapi/processes lists them");

    public static IResult NoSuchJob(long id) => Of(404, "no-such-job", "job_not_found", "No such job", $"job {id} does not exist");

    /// <summary>A job id that is not one names no job: the standard answers that 404 <c>no-such-job</c> too, not 400.</summary>
    public static IResult NoSuchJob(string raw) => Of(404, "no-such-job", "job_not_found", "No such job",
        $"'{Problems.Truncate(raw)}' is not a job id: ids are positive 64-bit integers");

    public static IResult ResultNotReady(long id, string status) => Of(404, "result-not-ready", "result_not_ready", "Result not ready",
        $"job {id} is {status}; its results exist once it is successful");

    /// <summary><c>invalid_body</c> with <c>$.params.*</c> named <c>$.inputs.*</c>, the field the caller wrote.</summary>
    public static ProblemDto InInputs(ProblemDto problem) => problem with
    {
        Detail = problem.Detail?.Replace("$.params", "$.inputs", StringComparison.Ordinal),
        Errors = problem.Errors?.Select(e => e with { Path = e.Path.Replace("$.params", "$.inputs", StringComparison.Ordinal) }).ToList(),
    };

    private static IResult Of(int status, string ogcType, string errorCode, string title, string detail) =>
        Problems.Result(Problems.Dto(status, errorCode, title, detail) with { Type = Exceptions + ogcType });
}
