using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

/// <summary>
/// Every error the API answers, as <c>application/problem+json</c> with a stable <c>error_code</c>.
/// Clients switch on the code; the title and detail are for humans and may be reworded.
/// </summary>
internal static class Problems
{
    public const string ContentType = "application/problem+json";

    public static IResult Of(int status, string errorCode, string title, string? detail = null,
        IReadOnlyList<ViolationDto>? errors = null, string? state = null) =>
        Results.Json(Dto(status, errorCode, title, detail, errors, state), RestJson.Wire.ProblemDto, ContentType, status);

    public static ProblemDto Dto(int status, string errorCode, string title, string? detail = null,
        IReadOnlyList<ViolationDto>? errors = null, string? state = null) => new()
        {
            Type = "https://edgejobs.dev/problems/" + errorCode.Replace('_', '-'),
            Title = title,
            Status = status,
            Detail = detail,
            ErrorCode = errorCode,
            Errors = errors,
            State = state,
        };

    /// <summary>A problem decided as a value (a submit's checks), answered as it is.</summary>
    public static IResult Result(ProblemDto problem) => Results.Json(problem, RestJson.Wire.ProblemDto, ContentType, problem.Status);

    public static IResult Unauthorized(string detail) => Of(401, "unauthorized", "Authentication required", detail);

    public static IResult Forbidden(string detail) => Of(403, "forbidden", "Not allowed", detail);

    public static ProblemDto ForbiddenDto(string detail) => Dto(403, "forbidden", "Not allowed", detail);

    public static IResult InvalidId(string raw) =>
        Of(400, "invalid_id", "Malformed job id", $"'{Truncate(raw)}' is not a job id: ids are positive 64-bit integers");

    public static IResult JobNotFound(long id) => Of(404, "job_not_found", "No such job", $"job {id} does not exist");

    public static IResult InvalidQuery(string parameter, string detail) =>
        Of(400, "invalid_query", "Invalid query parameter", detail, [new ViolationDto(parameter, detail)]);

    public static IResult InvalidBody(IReadOnlyList<ViolationDto> errors) => Result(InvalidBodyDto(errors));

    public static ProblemDto InvalidBodyDto(IReadOnlyList<ViolationDto> errors) =>
        Dto(400, "invalid_body", "The request body is not valid", string.Join("; ", errors.Select(e => $"{e.Path} {e.Reason}")), errors);

    /// <summary>A submit's params refused: each violation names its field.</summary>
    public static ProblemDto InvalidParamsDto(IReadOnlyList<ViolationDto> errors) =>
        Dto(400, "invalid_params", "Invalid job parameters", string.Join("; ", errors.Select(e => $"{e.Path} {e.Reason}")), errors);

    public static IResult NotYours(long id) => Of(403, "forbidden", "Not allowed", $"job {id} belongs to another owner");

    internal static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
