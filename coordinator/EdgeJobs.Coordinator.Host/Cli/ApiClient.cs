using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary>The client verbs' view of REST API v1: <c>--url</c> and <c>--token-file</c> (or <c>EDGEJOBS_TOKEN</c>).</summary>
internal sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>For uploads and downloads: no overall timeout (a 2 GB file on a slow link takes what it takes).</summary>
    private readonly HttpClient _transfers;

    private ApiClient(HttpClient http, HttpClient transfers)
    {
        _http = http;
        _transfers = transfers;
    }

    public static ApiClient From(ParseResult parsed, ClientFlags flags)
    {
        var url = parsed.GetValue(flags.Url)!;
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"--url '{url}' is not an http(s) URL");
        }

        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var transfers = new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var token = ReadToken(parsed.GetValue(flags.TokenFile), parsed.GetValue(flags.DataDir)!);
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            transfers.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return new ApiClient(http, transfers);
    }

    private static string? ReadToken(string? file, string dataDir)
    {
        if (file is not null)
        {
            return File.Exists(file)
                ? File.ReadAllText(file).Trim()
                : throw new UsageException($"--token-file {file} does not exist");
        }

        if (Environment.GetEnvironmentVariable("EDGEJOBS_TOKEN") is { Length: > 0 } token)
        {
            return token.Trim();
        }

        // The first-run default of `edgejobs up`, so a newcomer needs no flags on the same machine.
        var admin = Path.Combine(dataDir, "admin.token");
        return File.Exists(admin) ? File.ReadAllText(admin).Trim() : null;
    }

    public Task<(HttpStatusCode Status, string Body)> GetAsync(string path, CancellationToken cancellation = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellation);

    /// <summary>A POST that changes state: sent with one Idempotency-Key, reused on every retry.</summary>
    public Task<(HttpStatusCode Status, string Body)> PostAsync(string path, string? json, CancellationToken cancellation = default) =>
        SendIdempotentAsync(() => new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"),
        }, cancellation);

    /// <summary>A PUT of a small JSON body (or none): PUTs are idempotent by themselves, retried like the rest.</summary>
    public Task<(HttpStatusCode Status, string Body)> PutAsync(string path, string? json, CancellationToken cancellation = default) =>
        SendIdempotentAsync(() => new HttpRequestMessage(HttpMethod.Put, path)
        {
            Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"),
        }, cancellation);

    /// <summary>A DELETE, with one Idempotency-Key reused on every retry.</summary>
    public Task<(HttpStatusCode Status, string Body)> DeleteAsync(string path, CancellationToken cancellation = default) =>
        SendIdempotentAsync(() => new HttpRequestMessage(HttpMethod.Delete, path), cancellation);

    private static readonly TimeSpan[] s_retryDelays = [TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];

    /// <summary>
    /// Sends a request, retrying when the coordinator cannot be reached or answers 502/503/504. The key
    /// is made once per logical request, so a retry of a submit that did land returns that job instead
    /// of creating a second one (a fresh key per attempt would protect nothing).
    /// </summary>
    private async Task<(HttpStatusCode, string)> SendIdempotentAsync(Func<HttpRequestMessage> create, CancellationToken cancellation)
    {
        var key = Guid.NewGuid().ToString("N");
        for (var attempt = 0; ; attempt++)
        {
            var request = create();
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
            try
            {
                var answer = await SendAsync(request, cancellation).ConfigureAwait(false);
                if (attempt < s_retryDelays.Length && answer.Item1 is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)
                {
                    await Task.Delay(s_retryDelays[attempt], cancellation).ConfigureAwait(false);
                    continue;
                }

                return answer;
            }
            catch (CommandFailedException) when (attempt < s_retryDelays.Length)
            {
                await Task.Delay(s_retryDelays[attempt], cancellation).ConfigureAwait(false);
            }
        }
    }

    private async Task<(HttpStatusCode, string)> SendAsync(HttpRequestMessage request, CancellationToken cancellation)
    {
        using (request)
        {
            try
            {
                using var response = await _http.SendAsync(request, cancellation).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
                return (response.StatusCode, body);
            }
            catch (HttpRequestException e)
            {
                throw new CommandFailedException($"cannot reach the coordinator at {_http.BaseAddress}: {e.Message} (is it running? see --url)");
            }
            catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
            {
                throw new CommandFailedException($"the coordinator at {_http.BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0} s");
            }
        }
    }

    /// <summary>
    /// Streams a download into <paramref name="destination"/> (a directory takes the server's file name),
    /// verifying it against the SHA-256 in the ETag; written to a temporary file and renamed when whole.
    /// </summary>
    /// <returns>The file written and its size.</returns>
    public async Task<(string Path, long Bytes)> DownloadAsync(string path, string? destination, bool showProgress = false)
    {
        using var response = await _transfers.GetAsync(path, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            EnsureSuccess((response.StatusCode, await response.Content.ReadAsStringAsync().ConfigureAwait(false)));
        }

        var name = response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"') ?? "artifact.bin";
        name = System.IO.Path.GetFileName(name);
        var target = destination is null ? name : Directory.Exists(destination) ? System.IO.Path.Combine(destination, name) : destination;
        var temporary = target + ".part";
        var progress = showProgress ? new TransferProgress("download " + name, response.Content.Headers.ContentLength) : null;
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        long bytes = 0;
        await using (var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
        await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await body.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
                bytes += read;
                progress?.Report(bytes);
            }
        }

        progress?.Done(bytes);

        var expected = response.Headers.ETag?.Tag.Trim('"');
        var actual = Convert.ToHexStringLower(sha.GetHashAndReset());
        if (expected is not null && expected != actual)
        {
            File.Delete(temporary);
            throw new CommandFailedException($"the download does not match its SHA-256 (expected {expected}, got {actual}); try again");
        }

        File.Move(temporary, target, overwrite: true);
        return (target, bytes);
    }

    /// <summary>
    /// Uploads <paramref name="localFile"/> with PUT in parts of <paramref name="partBytes"/> (Content-Range),
    /// so a broken connection costs one part: on a failure it asks the coordinator how much arrived
    /// (<c>bytes */TOTAL</c>) and continues from there, up to a few times. The last part's answer is returned.
    /// </summary>
    public async Task<(HttpStatusCode Status, string Body)> UploadAsync(string path, string localFile, long partBytes, bool overwrite)
    {
        await using var file = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var total = file.Length;
        var progress = new TransferProgress("upload " + Path.GetFileName(localFile), total);
        long offset = 0;
        var failures = 0;
        while (true)
        {
            var length = total == 0 ? 0 : Math.Min(partBytes, total - offset);
            file.Position = offset;
            var start = offset;
            using var request = new HttpRequestMessage(HttpMethod.Put, path)
            {
                Content = new StreamContent(new UploadPart(file, length, sent => progress.Report(start + sent)), 1 << 16),
            };
            request.Content.Headers.ContentLength = length;
            if (length < total)
            {
                request.Content.Headers.ContentRange = new ContentRangeHeaderValue(offset, offset + length - 1, total);
            }

            if (!overwrite)
            {
                request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
            }

            try
            {
                using var response = await _transfers.SendAsync(request).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    if (response.IsSuccessStatusCode)
                    {
                        progress.Done(total);
                    }

                    return (response.StatusCode, body);
                }

                offset = JsonSerializer.Deserialize(body, RestJson.Lenient.UploadProgressDto)?.Received ?? offset + length;
                failures = 0;
            }
            catch (HttpRequestException e) when (++failures <= 3 && length < total)
            {
                Console.Error.WriteLine($"\nupload interrupted at {offset} of {total} bytes ({e.Message}); asking where to resume");
                await Task.Delay(TimeSpan.FromSeconds(failures)).ConfigureAwait(false);
                offset = await ReceivedAsync(path, total).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                // The coordinator refuses some uploads while they stream (over the dataset's quota) and closes.
                throw new CommandFailedException($"the upload was cut off at {offset} of {total} bytes: {e.Message} (over the dataset's quota? see edgejobs ds ls)");
            }
        }
    }

    /// <summary>Whether a HEAD of <paramref name="path"/> finds something (200), before an upload that must not replace it.</summary>
    public async Task<bool> ExistsAsync(string path)
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path)).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }

    /// <summary>How much of a partial upload the coordinator holds (<c>Content-Range: bytes */TOTAL</c>).</summary>
    private async Task<long> ReceivedAsync(string path, long total)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new ByteArrayContent([]) };
        request.Content.Headers.ContentRange = new ContentRangeHeaderValue(total);
        using var response = await _http.SendAsync(request).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return Read((response.StatusCode, body), RestJson.Lenient.UploadProgressDto).Received;
    }

    /// <summary>Deserializes a success answer, or throws a <see cref="CommandFailedException"/> carrying the problem.</summary>
    public static T Read<T>((HttpStatusCode Status, string Body) answer, JsonTypeInfo<T> type)
    {
        EnsureSuccess(answer);
        return JsonSerializer.Deserialize(answer.Body, type) ?? throw new CommandFailedException("the coordinator sent an empty answer");
    }

    public static void EnsureSuccess((HttpStatusCode Status, string Body) answer)
    {
        if ((int)answer.Status is >= 200 and < 300)
        {
            return;
        }

        ProblemDto? problem = null;
        try
        {
            problem = JsonSerializer.Deserialize(answer.Body, RestJson.Lenient.ProblemDto);
        }
        catch (JsonException)
        {
        }

        if (problem is null)
        {
            throw new CommandFailedException($"the coordinator answered {(int)answer.Status}");
        }

        var details = problem.Errors is { Count: > 0 } errors
            ? "\n" + string.Join("\n", errors.Select(e => $"  {e.Path} {e.Reason}"))
            : ": " + problem.Detail;
        throw new CommandFailedException($"{problem.Title} ({(int)answer.Status} {problem.ErrorCode}){details}");
    }

    public void Dispose()
    {
        _http.Dispose();
        _transfers.Dispose();
    }
}
