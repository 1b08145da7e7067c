using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Recipes;

/// <summary>
/// A recipe job's on_exit webhook: called once after the job ends, signed with the data dir's webhook secret, retried
/// with backoff when the receiver fails, given up after a bounded number of tries, and never changing the job's outcome.
/// The receiver is a real HTTP server on loopback.
/// </summary>
public class ExitWebhookTests
{
    /// <summary>A loopback HTTP receiver that answers each call with the next status of a script (the last one repeats).</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly int[] _statuses;
        private int _calls;

        public Receiver(params int[] statuses)
        {
            _statuses = statuses;
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public int Port { get; }

        public ConcurrentQueue<(byte[] Body, string? Signature, string? Event)> Calls { get; } = new();

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                Calls.Enqueue((body.ToArray(), context.Request.Headers["X-EdgeJobs-Signature"], context.Request.Headers["X-EdgeJobs-Event"]));
                var call = Interlocked.Increment(ref _calls) - 1;
                context.Response.StatusCode = _statuses[Math.Min(call, _statuses.Length - 1)];
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }

    private static Task<ApiServer> StartAsync() => ApiServer.StartAsync(configure: o => o with
    {
        WebhookAllow = ["127.0.0.1"],
        WebhookRetryBase = TimeSpan.FromMilliseconds(10),
        SweepInterval = TimeSpan.FromMilliseconds(50),
    });

    /// <summary>Submits a one-step recipe job with the webhook and walks its step to completion through the ledger.</summary>
    private static async Task<long> RunToCompletionAsync(ApiServer api, int port)
    {
        using var submitted = await api.SendAsync(HttpMethod.Post, "v1/jobs", api.Bob,
            $$$"""{"recipe":{"name":"r","version":"1","steps":[{"id":"nap","tool":"sleep","params":{"seconds":0}}]},"on_exit":{"url":"http://127.0.0.1:{{{port}}}/done"}}""");
        var id = (await ApiServer.ReadAsync(submitted, RestJsonContext.Default.JobDto))!.Id;
        var step = (await RecipeJobs.StepJobAsync(api.Ledger, id, "nap"))!;
        var running = await JobWalker.RunAsync(api.Ledger, step.Id, JobWalker.Node);
        await api.Ledger.FinishAsync(step.Id, running.Fence, new FinishReport(FinishOutcome.Succeeded));
        return id;
    }

    private static async Task<JobDto> WaitForWebhookAsync(ApiServer api, long id, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var get = await api.GetAsync($"v1/jobs/{id}", api.Bob);
            var job = (await ApiServer.ReadAsync(get, RestJsonContext.Default.JobDto))!;
            if (job.Recipe!.OnExit!.Status == status)
            {
                return job;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the webhook of job {id} is {job.Recipe.OnExit.Status}, not {status}");
            }

            await Task.Delay(20);
        }
    }

    [Test]
    public async Task the_webhook_is_called_once_the_job_ends_signed_and_retried_until_it_is_taken()
    {
        using var receiver = new Receiver(503, 200);
        await using var api = await StartAsync();

        var id = await RunToCompletionAsync(api, receiver.Port);
        var job = await WaitForWebhookAsync(api, id, "delivered");

        await Assert.That(job.Status).IsEqualTo("completed");
        await Assert.That(job.Recipe!.OnExit!.Attempts).IsEqualTo(2);
        await Assert.That(receiver.Calls.Count).IsEqualTo(2);
        var secret = await File.ReadAllBytesAsync(Path.Combine(api.Server.Options.DataDir, "webhook.secret"));
        foreach (var (body, signature, kind) in receiver.Calls)
        {
            await Assert.That(signature).IsEqualTo("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body)));
            await Assert.That(kind).IsEqualTo("job.ended");
            using var summary = JsonDocument.Parse(body);
            await Assert.That(summary.RootElement.GetProperty("id").GetInt64()).IsEqualTo(id);
            await Assert.That(summary.RootElement.GetProperty("status").GetString()).IsEqualTo("completed");
            await Assert.That(summary.RootElement.GetProperty("steps")[0].GetProperty("status").GetString()).IsEqualTo("completed");
        }

        // Delivered means done: no more calls come.
        await Task.Delay(300);
        await Assert.That(receiver.Calls.Count).IsEqualTo(2);
        await Assert.That(Encoding.ASCII.GetString(secret)).Matches("^[0-9a-f]{64}$");
    }

    [Test]
    public async Task a_receiver_that_always_fails_is_given_up_after_the_bounded_tries_and_the_job_s_outcome_stands()
    {
        using var receiver = new Receiver(500);
        await using var api = await StartAsync();

        var id = await RunToCompletionAsync(api, receiver.Port);
        var job = await WaitForWebhookAsync(api, id, "failed");

        await Assert.That(job.Status).IsEqualTo("completed");
        await Assert.That(job.Recipe!.OnExit!.Attempts).IsEqualTo(EdgeJobs.Coordinator.Recipes.ExitWebhooks.MaxAttempts);
        await Assert.That(job.Recipe!.OnExit!.Error).Contains("500");
        await Assert.That(receiver.Calls.Count).IsEqualTo(EdgeJobs.Coordinator.Recipes.ExitWebhooks.MaxAttempts);
    }

    [Test]
    public async Task a_delivered_webhook_is_not_called_again_after_a_restart()
    {
        using var receiver = new Receiver(200);
        await using var api = await StartAsync();
        var id = await RunToCompletionAsync(api, receiver.Port);
        await WaitForWebhookAsync(api, id, "delivered");

        await using var restarted = await api.RestartAsync(configure: o => o with { WebhookAllow = ["127.0.0.1"], SweepInterval = TimeSpan.FromMilliseconds(50) });
        await Task.Delay(300);

        await Assert.That(receiver.Calls.Count).IsEqualTo(1);
    }
}
