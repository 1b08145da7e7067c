using System.Net;
using EdgeJobs.Coordinator.Api;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Api;

/// <summary><c>GET /metrics</c>: Prometheus text an operator's scraper can read, with the ledger's live numbers.</summary>
public class MetricsTests
{
    [Test]
    public async Task metrics_count_active_jobs_by_state_tool_and_owner_in_prometheus_text()
    {
        await using var api = await ApiServer.StartAsync();
        await api.SubmitAsync(api.Bob);
        await api.SubmitAsync(api.Bob);
        var third = await api.SubmitAsync(api.Bob);
        using (await api.SendAsync(HttpMethod.Post, $"v1/jobs/{third.Id}/stop", api.Bob))
        {
        }

        using var response = await api.GetAsync("metrics", api.Admin);
        var text = await response.Content.ReadAsStringAsync();

        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(response.Content.Headers.ContentType!.ToString()).IsEqualTo("text/plain; version=0.0.4; charset=utf-8");
        var lines = text.Split('\n');
        await Assert.That(lines).Contains("edgejobs_jobs_active{state=\"scheduled\"} 2"); // the stopped one has ended
        await Assert.That(lines).Contains("edgejobs_jobs_active{state=\"running\"} 0");
        await Assert.That(lines).Contains("edgejobs_jobs_active_by_tool{tool=\"sleep\"} 2");
        await Assert.That(lines).Contains("edgejobs_jobs_active_by_owner{owner=\"bob\"} 2");
        await Assert.That(lines).Contains("edgejobs_agents_connected 0");
        await Assert.That(lines).Contains("# TYPE edgejobs_ledger_syncs_total counter");
        await Assert.That(lines.Any(l => l.StartsWith("edgejobs_build_info{version=\"", StringComparison.Ordinal) && l.EndsWith("\"} 1", StringComparison.Ordinal))).IsTrue();
        // Every sample belongs to a declared family and carries a number.
        foreach (var sample in lines.Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var name = sample.Split('{', ' ')[0];
            await Assert.That(lines).Contains(l => l.StartsWith($"# TYPE {name} ", StringComparison.Ordinal));
            await Assert.That(long.TryParse(sample[(sample.LastIndexOf(' ') + 1)..], out _)).IsTrue();
        }
    }

    [Test]
    public async Task label_values_escape_what_the_format_requires()
    {
        await Assert.That(MetricsApi.Escape("a\\b\"c\nd")).IsEqualTo("a\\\\b\\\"c\\nd");
        await Assert.That(MetricsApi.Escape("plain")).IsEqualTo("plain");
    }
}
