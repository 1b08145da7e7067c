using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Coordinator.Ledger;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator.Recipes;

/// <summary>
/// Calls recipe jobs' <c>on_exit</c> webhooks once they have ended: a POST of the job as <c>GET /v1/jobs/{id}</c> shows
/// it, signed with <c>X-EdgeJobs-Signature: sha256=HEX</c> (HMAC-SHA256 of the body under the secret in
/// <c>DATA_DIR/webhook.secret</c>, the file's text as the key). A 2xx answer delivers it; anything else (an error, a
/// timeout, a redirect: none is followed) is tried again after 1, 2, 4 … 256 s, nine times in all, then given up. The
/// outcome is recorded with the job and never changes it. Only hosts on <c>--webhook-allow</c> were accepted at submit.
/// </summary>
internal sealed class ExitWebhooks(JobLedger ledger, string dataDir, TimeSpan interval, TimeSpan retryBase, ILogger logger)
{
    public const int MaxAttempts = 9;
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    private readonly byte[] _secret = KeyFiles(dataDir);
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = AttemptTimeout };

    private static byte[] KeyFiles(string dataDir) => Auth.KeyFiles.LoadOrCreate(Path.Combine(dataDir, "webhook.secret"), 32,
        () => Encoding.ASCII.GetBytes(Convert.ToHexStringLower(Auth.KeyFiles.RandomKey())), "receivers must be given the new one");

    /// <summary>The signature header's value for <paramref name="body"/> under <paramref name="secret"/> (the receiver computes the same).</summary>
    public static string Signature(byte[] secret, byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body));

    public async Task RunAsync(CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellation).ConfigureAwait(false))
            {
                try
                {
                    foreach (var due in await ledger.DueWebhooksAsync().ConfigureAwait(false))
                    {
                        await DeliverAsync(due, cancellation).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.WebhookPassFailed(e);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _http.Dispose();
        }
    }

    private async Task DeliverAsync(JobRecipeRow due, CancellationToken cancellation)
    {
        if (await ledger.GetJobAsync(due.JobId).ConfigureAwait(false) is not { } job || await RecipeJobView.ReadAsync(ledger, job).ConfigureAwait(false) is not { } view)
        {
            return;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(view.AddTo(JobMapper.ToDto(job)), Protocol.Rest.RestJson.Wire.JobDto);
        string? error;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, due.OnExitUrl) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-EdgeJobs-Event", "job.ended");
            request.Headers.Add("X-EdgeJobs-Delivery", $"{due.JobId}-{due.OnExitAttempts + 1}");
            request.Headers.Add("X-EdgeJobs-Signature", Signature(_secret, body));
            using var response = await _http.SendAsync(request, cancellation).ConfigureAwait(false);
            error = response.IsSuccessStatusCode ? null : $"answered {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            error = e is TaskCanceledException ? $"no answer within {AttemptTimeout.TotalSeconds} s" : e.Message;
        }

        var attempt = due.OnExitAttempts + 1;
        long? retryAt = error is null || attempt >= MaxAttempts ? null : ledger.Now() + ((long)retryBase.TotalMilliseconds << (attempt - 1));
        await ledger.RecordWebhookAttemptAsync(due.JobId, error is null, error, retryAt).ConfigureAwait(false);
        if (error is null)
        {
            logger.WebhookDelivered(due.JobId, due.OnExitUrl!, attempt);
        }
        else if (retryAt is null)
        {
            logger.WebhookGaveUp(due.JobId, due.OnExitUrl!, attempt, error);
        }
        else
        {
            logger.WebhookRetrying(due.JobId, due.OnExitUrl!, attempt, error);
        }
    }
}
