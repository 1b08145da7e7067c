using System.Net;
using EdgeJobs.Testing;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Tests.Guarantees;

public class IdempotencyTests
{
    private const string Body = """{"tool":"sleep","params":{"seconds":2},"force":true}""";

    private static async Task<(HttpStatusCode Status, string Body, string? Location, bool Replayed)> SendAsync(
        ApiServer api, HttpMethod method, string path, string token, string key, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await api.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location?.ToString(),
            response.Headers.Contains("Idempotent-Replayed"));
    }

    [Test]
    public async Task concurrent_replays_of_one_key_get_byte_identical_answers_and_create_one_job()
    {
        await using var api = await ApiServer.StartAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => SendAsync(api, HttpMethod.Post, "v1/jobs", api.Bob, "key-1", Body)));

        await Assert.That(answers.Select(a => a.Status).Distinct().Single()).IsEqualTo(HttpStatusCode.Accepted);
        await Assert.That(answers.Select(a => a.Body).Distinct().Count()).IsEqualTo(1);
        await Assert.That(answers.Select(a => a.Location).Distinct().Count()).IsEqualTo(1);
        await Assert.That(answers.Count(a => !a.Replayed)).IsEqualTo(1);
        await Assert.That(await api.Ledger.CountJobsAsync()).IsEqualTo(1);
    }

    [Test]
    public async Task the_same_key_with_a_different_body_is_409_and_changes_nothing()
    {
        await using var api = await ApiServer.StartAsync();
        await SendAsync(api, HttpMethod.Post, "v1/jobs", api.Bob, "key-1", Body);
        var before = await api.SnapshotAsync();

        var reused = await SendAsync(api, HttpMethod.Post, "v1/jobs", api.Bob, "key-1", """{"tool":"sleep","params":{"seconds":9},"force":true}""");

        await Assert.That(reused.Status).IsEqualTo(HttpStatusCode.Conflict);
        await Assert.That(reused.Body).Contains("idempotency_key_reused");
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task a_reformatted_but_equal_body_is_the_same_request()
    {
        await using var api = await ApiServer.StartAsync();
        var first = await SendAsync(api, HttpMethod.Post, "v1/jobs", api.Bob, "key-1", Body);
        var again = await SendAsync(api, HttpMethod.Post, "v1/jobs", api.Bob, "key-1", """{ "force": true, "params": { "seconds": 2 }, "tool": "sleep" }""");

        await Assert.That(again.Body).IsEqualTo(first.Body);
        await Assert.That(again.Replayed).IsTrue();
    }

    [Test]
    public async Task keys_are_per_owner()
    {
        await using var api = await ApiServer.StartAsync();
        var bob = await SendAsync(api, HttpMethod.Post, "v1/jobs", api.Bob, "shared", Body);
        var carol = await SendAsync(api, HttpMethod.Post, "v1/jobs", api.Carol, "shared", Body);

        await Assert.That(carol.Status).IsEqualTo(HttpStatusCode.Accepted);
        await Assert.That(carol.Location).IsNotEqualTo(bob.Location);
    }

    [Test]
    public async Task a_key_outlives_its_job_and_expires_after_its_lifetime()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var api = await ApiServer.StartAsync(clock);
        var first = await SendAsync(api, HttpMethod.Post, "v1/jobs", api.Bob, "key-1", Body);
        var id = long.Parse(first.Location!.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
        await api.Ledger.StopAsync(id);
        await api.Ledger.DeleteAsync(id);

        var replay = await SendAsync(api, HttpMethod.Post, "v1/jobs", api.Bob, "key-1", Body);
        await Assert.That(replay.Body).IsEqualTo(first.Body);
        await Assert.That(await api.Ledger.CountJobsAsync()).IsEqualTo(0);

        clock.Advance(TimeSpan.FromHours(25));
        await api.Ledger.PurgeIdempotencyKeysAsync();
        var fresh = await SendAsync(api, HttpMethod.Post, "v1/jobs", api.Bob, "key-1", Body);
        await Assert.That(fresh.Status).IsEqualTo(HttpStatusCode.Accepted);
        await Assert.That(fresh.Replayed).IsFalse();
        await Assert.That(await api.Ledger.CountJobsAsync()).IsEqualTo(1);
    }

    [Test]
    public async Task stop_and_delete_replay_their_first_answer()
    {
        await using var api = await ApiServer.StartAsync();
        var job = await api.SubmitAsync(api.Bob);
        await JobWalker.IntoStateAsync(api.Ledger, job.Id, JobState.Running);

        var stop = await SendAsync(api, HttpMethod.Post, $"v1/jobs/{job.Id}/stop", api.Bob, "stop-1");
        await JobWalker.IntoStateAsync(api.Ledger, (await api.SubmitAsync(api.Bob)).Id, JobState.Completed);
        var stopAgain = await SendAsync(api, HttpMethod.Post, $"v1/jobs/{job.Id}/stop", api.Bob, "stop-1");
        var done = await api.SubmitAsync(api.Bob);
        await JobWalker.IntoStateAsync(api.Ledger, done.Id, JobState.Completed);
        var delete = await SendAsync(api, HttpMethod.Delete, $"v1/jobs/{done.Id}", api.Bob, "delete-1");
        var deleteAgain = await SendAsync(api, HttpMethod.Delete, $"v1/jobs/{done.Id}", api.Bob, "delete-1");
        var wrongPath = await SendAsync(api, HttpMethod.Delete, $"v1/jobs/{job.Id}", api.Bob, "delete-1");

        await Assert.That(stop.Body).Contains("\"status\":\"stop_requested\"");
        await Assert.That(stopAgain.Body).IsEqualTo(stop.Body);
        await Assert.That(stopAgain.Replayed).IsTrue();
        await Assert.That(delete.Status).IsEqualTo(HttpStatusCode.NoContent);
        // The job is gone, so the replay is the same 204 (an absent job's delete answer) either way.
        await Assert.That(deleteAgain.Status).IsEqualTo(HttpStatusCode.NoContent);
        await Assert.That(wrongPath.Status).IsEqualTo(HttpStatusCode.Conflict);
    }

    [Test]
    [Arguments("")]
    [Arguments("has space")]
    [Arguments("tab\tkey")]
    public async Task malformed_keys_are_400_and_change_nothing(string key)
    {
        await using var api = await ApiServer.StartAsync();
        var before = await api.SnapshotAsync();
        var answer = await SendAsync(api, HttpMethod.Post, "v1/jobs", api.Bob, key, Body);

        await Assert.That(answer.Status).IsEqualTo(HttpStatusCode.BadRequest);
        await Assert.That(answer.Body).Contains("invalid_idempotency_key");
        await Assert.That(await api.SnapshotAsync()).IsEqualTo(before);
    }

    [Test]
    public async Task a_key_longer_than_255_characters_is_400()
    {
        await using var api = await ApiServer.StartAsync();
        var answer = await SendAsync(api, HttpMethod.Post, "v1/jobs", api.Bob, new string('k', 256), Body);
        await Assert.That(answer.Status).IsEqualTo(HttpStatusCode.BadRequest);
    }
}
