using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EdgeJobs.Catalog.Params;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

/// <summary>
/// Reads a JSON request body strictly: JSON media type, a size cap (413 past it, never buffered whole),
/// well-formed JSON (400), and the type's shape with every violation listed (400).
/// </summary>
internal static class RequestBody
{
    public const int MaxBytes = 1 << 20;

    private static readonly JsonDocumentOptions s_documentOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext http, JsonTypeInfo<T> type)
        where T : class
    {
        var (value, problem, _) = await ReadCanonicalAsync(http, type).ConfigureAwait(false);
        return (value, problem);
    }

    /// <summary>Also returns the body as canonical JSON, for request fingerprints.</summary>
    public static async Task<(T? Value, IResult? Problem, string Canonical)> ReadCanonicalAsync<T>(HttpContext http, JsonTypeInfo<T> type)
        where T : class
    {
        var request = http.Request;
        if (request.ContentType is not { } contentType || !IsJson(contentType))
        {
            return (null, Problems.Of(415, "unsupported_media_type", "Send JSON", "the body must be 'Content-Type: application/json'"), "");
        }

        if (request.ContentLength > MaxBytes)
        {
            return (null, TooLarge(), "");
        }

        byte[] bytes;
        try
        {
            bytes = await ReadCappedAsync(request.Body, http.RequestAborted).ConfigureAwait(false);
        }
        catch (BodyTooLargeException)
        {
            return (null, TooLarge(), "");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(), "");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, s_documentOptions);
        }
        catch (JsonException e)
        {
            return (null, Problems.Of(400, "invalid_json", "Malformed JSON", e.Message), "");
        }

        using (document)
        {
            var violations = new List<ViolationDto>();
            JsonShapeChecker.Check(document.RootElement, type, "$", violations);
            if (violations.Count > 0)
            {
                return (null, Problems.InvalidBody(violations), "");
            }

            try
            {
                var value = document.RootElement.Deserialize(type);
                return value is null
                    ? (null, Problems.InvalidBody([new ViolationDto("$", "must be an object")]), "")
                    : (value, null, CanonicalJson.Of(document.RootElement));
            }
            catch (JsonException e)
            {
                return (null, Problems.InvalidBody([new ViolationDto(e.Path ?? "$", "does not match the expected type")]), "");
            }
        }
    }

    private static IResult TooLarge() =>
        Problems.Of(413, "body_too_large", "Request body too large", $"the body must be at most {MaxBytes} bytes");

    private static bool IsJson(string contentType)
    {
        var media = contentType.Split(';', 2)[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<byte[]> ReadCappedAsync(Stream body, CancellationToken cancellation)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellation).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                throw new BodyTooLargeException();
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private sealed class BodyTooLargeException : Exception;
}
