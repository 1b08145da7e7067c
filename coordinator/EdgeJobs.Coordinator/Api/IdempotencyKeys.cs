using System.Security.Cryptography;
using System.Text;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

/// <summary>
/// The <c>Idempotency-Key</c> header on submit, stop and delete. Keys are per owner; the fingerprint
/// covers method, path and the canonical body, so the same key with a different request is a 409.
/// </summary>
internal static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <param name="target">What the request acts on, when one operation has several URLs (Geopera's two forms); default: the path.</param>
    public static (IdempotencyRequest? Request, IResult? Problem) From(HttpContext http, string canonicalBody, TimeSpan keepFor, string? target = null)
    {
        if (!http.Request.Headers.TryGetValue(Header, out var values))
        {
            return (null, null);
        }

        var key = values.Count == 1 ? values[0] : null;
        if (key is null || key.Length is 0 or > 255 || key.Any(ch => ch is < '!' or > '~'))
        {
            return (null, Problems.Of(400, "invalid_idempotency_key", "Invalid Idempotency-Key",
                "send one Idempotency-Key of 1 to 255 printable ASCII characters (a UUID is a good choice)"));
        }

        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(
            Encoding.UTF8.GetBytes($"{http.Request.Method} {target ?? http.Request.Path.ToString()}\n{canonicalBody}")));
        return (new IdempotencyRequest(ScopeFilter.Current(http).Name, key, fingerprint, keepFor), null);
    }

    /// <summary>The HTTP answer for an idempotent operation's outcome.</summary>
    public static IResult Answer(IdempotencyResult result, StoredAnswer? answer, TimeSpan retryAfter) => result switch
    {
        IdempotencyResult.KeyReused => Problems.Of(409, "idempotency_key_reused", "Idempotency-Key already used",
            "this Idempotency-Key was first sent with a different request; use a new key for a new request"),
        _ => new StoredAnswerResult(answer!, result == IdempotencyResult.Replayed, retryAfter),
    };

    /// <summary>Writes a stored answer exactly as first given.</summary>
    private sealed class StoredAnswerResult(StoredAnswer answer, bool replayed, TimeSpan retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            var response = http.Response;
            response.StatusCode = answer.Status;
            if (answer.Location is not null)
            {
                response.Headers.Location = answer.Location;
            }

            if (replayed)
            {
                response.Headers[ReplayedHeader] = "true";
            }

            if (answer.Status == StatusCodes.Status429TooManyRequests)
            {
                response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (answer.Body.Length == 0)
            {
                return Task.CompletedTask;
            }

            response.ContentType = answer.Status >= 400 ? Problems.ContentType : "application/json; charset=utf-8";
            return response.WriteAsync(answer.Body, http.RequestAborted);
        }
    }
}
