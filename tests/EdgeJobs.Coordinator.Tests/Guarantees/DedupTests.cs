using System.Net;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Tools;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Guarantees;

public class DedupTests
{
    private const string Sleep = """{"tool":"sleep","params":{"seconds":3}}""";

    private static async Task<(HttpStatusCode Status, JobDto Job)> SubmitAsync(ApiServer api, string token, string body)
    {
        using var response = await api.SendAsync(HttpMethod.Post, "v1/jobs", token, body);
        if ((int)response.StatusCode >= 300)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return (response.StatusCode, (await ApiServer.ReadAsync(response, RestJsonContext.Default.JobDto))!);
    }

    [Test]
    public async Task fifty_concurrent_identical_submits_create_exactly_one_job()
    {
        await using var api = await ApiServer.StartAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => SubmitAsync(api, api.Bob, Sleep)));

        await Assert.That(answers.Count(a => a.Status == HttpStatusCode.Accepted)).IsEqualTo(1);
        await Assert.That(answers.Count(a => a.Status == HttpStatusCode.OK && a.Job.Deduplicated == true)).IsEqualTo(49);
        await Assert.That(answers.Select(a => a.Job.Id).Distinct().Count()).IsEqualTo(1);
        await Assert.That(await api.Ledger.CountJobsAsync()).IsEqualTo(1);
    }

    [Test]
    public async Task equal_params_written_differently_are_the_same_job()
    {
        await using var api = await ApiServer.StartAsync();
        var first = await SubmitAsync(api, api.Bob, """{"tool":"sleep","params":{"seconds":3}}""");
        var second = await SubmitAsync(api, api.Bob, """{"params":{"fail":false,"seconds":3.0},"tool":"sleep","version":"1"}""");

        await Assert.That(second.Status).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(second.Job.Id).IsEqualTo(first.Job.Id);
    }

    [Test]
    public async Task dedup_never_hands_one_owners_job_to_another()
    {
        await using var api = await ApiServer.StartAsync();
        var bob = await SubmitAsync(api, api.Bob, Sleep);
        var carol = await SubmitAsync(api, api.Carol, Sleep);

        await Assert.That(carol.Status).IsEqualTo(HttpStatusCode.Accepted);
        await Assert.That(carol.Job.Id).IsNotEqualTo(bob.Job.Id);
        using var readable = await api.GetAsync($"v1/jobs/{carol.Job.Id}", api.Carol);
        await Assert.That(readable.StatusCode).IsEqualTo(HttpStatusCode.OK);
    }

    [Test]
    public async Task force_bypasses_dedup()
    {
        await using var api = await ApiServer.StartAsync();
        var first = await SubmitAsync(api, api.Bob, Sleep);
        var forced = await SubmitAsync(api, api.Bob, """{"tool":"sleep","params":{"seconds":3},"force":true}""");

        await Assert.That(forced.Status).IsEqualTo(HttpStatusCode.Accepted);
        await Assert.That(forced.Job.Id).IsNotEqualTo(first.Job.Id);
    }

    [Test]
    [Arguments(JobState.Running, true)]
    [Arguments(JobState.StopRequested, true)]
    [Arguments(JobState.Completed, true)]
    [Arguments(JobState.Stopped, false)]
    [Arguments(JobState.Failed, false)]
    public async Task active_and_recently_completed_jobs_match_but_stopped_and_failed_ones_do_not(JobState state, bool matches)
    {
        await using var api = await ApiServer.StartAsync();
        var first = await SubmitAsync(api, api.Bob, Sleep);
        await JobWalker.IntoStateAsync(api.Ledger, first.Job.Id, state);

        var again = await SubmitAsync(api, api.Bob, Sleep);

        await Assert.That(again.Job.Id == first.Job.Id).IsEqualTo(matches);
    }

    [Test]
    public async Task a_completed_job_stops_matching_after_the_lookback_window()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var api = await ApiServer.StartAsync(clock);
        var first = await SubmitAsync(api, api.Bob, Sleep);
        await JobWalker.IntoStateAsync(api.Ledger, first.Job.Id, JobState.Completed);

        clock.Advance(TimeSpan.FromHours(23));
        var within = await SubmitAsync(api, api.Bob, Sleep);
        clock.Advance(TimeSpan.FromHours(2));
        var after = await SubmitAsync(api, api.Bob, Sleep);

        await Assert.That(within.Job.Id).IsEqualTo(first.Job.Id);
        await Assert.That(after.Status).IsEqualTo(HttpStatusCode.Accepted);
    }

    [Test]
    public async Task dedup_never_returns_a_job_whose_artifact_is_missing_or_expired()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var api = await ApiServer.StartAsync(clock);
        api.WriteInput("scene.tif", "pixels");
        const string copy = """{"tool":"copy","params":{"path":"scene.tif"}}""";
        var first = await SubmitAsync(api, api.Bob, copy);
        await JobWalker.IntoStateAsync(api.Ledger, first.Job.Id, JobState.Completed);

        var withoutArtifact = await SubmitAsync(api, api.Bob, copy);
        await api.Ledger.RecordArtifactAsync(withoutArtifact.Job.Id, "a", 1, "00", clock.GetUtcNow().AddHours(1));
        await JobWalker.IntoStateAsync(api.Ledger, withoutArtifact.Job.Id, JobState.Completed);
        var withArtifact = await SubmitAsync(api, api.Bob, copy);
        clock.Advance(TimeSpan.FromHours(2));
        var expired = await SubmitAsync(api, api.Bob, copy);

        await Assert.That(withoutArtifact.Status).IsEqualTo(HttpStatusCode.Accepted);
        await Assert.That(withArtifact.Job.Id).IsEqualTo(withoutArtifact.Job.Id);
        await Assert.That(expired.Status).IsEqualTo(HttpStatusCode.Accepted);
    }

    [Test]
    public async Task dedup_never_matches_a_different_input_file()
    {
        await using var api = await ApiServer.StartAsync();
        api.WriteInput("a.tif", "pixels");
        api.WriteInput("b.tif", "pixels");
        var a = await SubmitAsync(api, api.Bob, """{"tool":"copy","params":{"path":"a.tif"}}""");
        var sameFile = await SubmitAsync(api, api.Bob, """{"tool":"copy","params":{"path":"a.tif"}}""");
        var otherPath = await SubmitAsync(api, api.Bob, """{"tool":"copy","params":{"path":"b.tif"}}""");
        api.WriteInput("a.tif", "new pixels");
        var changed = await SubmitAsync(api, api.Bob, """{"tool":"copy","params":{"path":"a.tif"}}""");

        await Assert.That(sameFile.Job.Id).IsEqualTo(a.Job.Id);
        await Assert.That(otherPath.Status).IsEqualTo(HttpStatusCode.Accepted);
        await Assert.That(changed.Status).IsEqualTo(HttpStatusCode.Accepted);
        await Assert.That(new[] { a.Job.Id, otherPath.Job.Id, changed.Job.Id }.Distinct().Count()).IsEqualTo(3);
    }

    [Test]
    public async Task dedup_never_matches_a_different_tool_version()
    {
        var api = await ApiServer.StartAsync();
        api.WriteInput("a.tif", "pixels");
        var v1 = await SubmitAsync(api, api.Bob, """{"tool":"copy","params":{"path":"a.tif"}}""");

        await using var upgraded = await api.RestartAsync(configure: o => o with { Catalog = new ToolCatalog([SleepTool.Instance, new CopyTool("2")]) });
        var v2 = await SubmitAsync(upgraded, upgraded.Bob, """{"tool":"copy","params":{"path":"a.tif"}}""");

        await Assert.That(v2.Status).IsEqualTo(HttpStatusCode.Accepted);
        await Assert.That(v2.Job.Version).IsEqualTo("2");
        await Assert.That(v2.Job.Id).IsNotEqualTo(v1.Job.Id);
    }

    [Test]
    public async Task the_dedup_key_covers_owner_tool_version_params_and_every_input_identity()
    {
        var input = new InputFile("a.tif", 10, DateTimeOffset.UnixEpoch);
        var key = DedupKey.Of("bob", "copy", "1", """{"path":"a.tif"}""", [input]);

        await Assert.That(DedupKey.Of("bob", "copy", "1", """{ "path" : "a.tif" }""", [input])).IsEqualTo(key);
        await Assert.That(DedupKey.Of("carol", "copy", "1", """{"path":"a.tif"}""", [input])).IsNotEqualTo(key);
        await Assert.That(DedupKey.Of("bob", "move", "1", """{"path":"a.tif"}""", [input])).IsNotEqualTo(key);
        await Assert.That(DedupKey.Of("bob", "copy", "2", """{"path":"a.tif"}""", [input])).IsNotEqualTo(key);
        await Assert.That(DedupKey.Of("bob", "copy", "1", """{"path":"b.tif"}""", [input])).IsNotEqualTo(key);
        await Assert.That(DedupKey.Of("bob", "copy", "1", """{"path":"a.tif"}""", [input with { SizeBytes = 11 }])).IsNotEqualTo(key);
        await Assert.That(DedupKey.Of("bob", "copy", "1", """{"path":"a.tif"}""", [input with { ModifiedAt = DateTimeOffset.UnixEpoch.AddTicks(1) }])).IsNotEqualTo(key);
    }
}
