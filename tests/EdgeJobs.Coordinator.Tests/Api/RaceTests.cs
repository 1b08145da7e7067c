using System.Net;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Testing;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Tests.Api;

/// <summary>REST stops, deletes, bulk deletes and cleanups racing with agents' transitions in the ledger.</summary>
public class RaceTests
{
    [Test]
    public async Task rest_control_calls_racing_with_agents_never_delete_an_active_job()
    {
        await using var api = await ApiServer.StartAsync();
        var ids = new List<long>();
        for (var i = 0; i < 80; i++)
        {
            ids.Add((await api.SubmitAsync(api.Bob)).Id);
        }

        var running = new Dictionary<long, long>();
        foreach (var id in ids.Where((_, i) => i % 2 == 0))
        {
            running[id] = (await JobWalker.RunAsync(api.Ledger, id, 1)).Fence;
        }

        var answers = new List<HttpStatusCode>();
        var agents = Task.Run(async () =>
        {
            foreach (var (id, fence) in running.Where((_, i) => i % 2 == 0))
            {
                await api.Ledger.FinishAsync(id, fence, new FinishReport(FinishOutcome.Succeeded));
            }
        });
        var clients = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            foreach (var id in ids.Where((_, i) => i % 4 == worker))
            {
                using var stop = await api.SendAsync(HttpMethod.Post, $"v1/jobs/{id}/stop", api.Bob);
                using var delete = await api.SendAsync(HttpMethod.Delete, $"v1/jobs/{id}", api.Bob);
                lock (answers)
                {
                    answers.Add(stop.StatusCode);
                    answers.Add(delete.StatusCode);
                }
            }
        })).ToList();
        var admin = Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                using var bulk = await api.SendAsync(HttpMethod.Delete, "v1/jobs?status=terminal", api.Admin);
                using var cleanup = await api.SendAsync(HttpMethod.Post, "v1/jobs/cleanup", api.Admin, """{"older_than_s":0}""");
                await Assert.That(bulk.StatusCode).IsEqualTo(HttpStatusCode.OK);
                await Assert.That(cleanup.StatusCode).IsEqualTo(HttpStatusCode.OK);
            }
        });
        await Task.WhenAll([agents, admin, .. clients]);

        await Assert.That(answers.All(a => a is HttpStatusCode.OK or HttpStatusCode.NoContent or HttpStatusCode.Conflict or HttpStatusCode.NotFound)).IsTrue();
        foreach (var id in ids)
        {
            var job = await api.Ledger.GetJobAsync(id);
            var wasRunningAndUnfinished = running.ContainsKey(id) && running.Keys.ToList().IndexOf(id) % 2 == 1;
            if (wasRunningAndUnfinished)
            {
                // Its agent never finished it: a stop leaves it stop_requested, and it must still be here.
                await Assert.That(job).IsNotNull();
                await Assert.That(job!.JobState).IsEqualTo(JobState.StopRequested);
            }

            if (job is not null)
            {
                var events = await api.Ledger.GetEventsAsync(id);
                await Assert.That(events.Count).IsEqualTo((int)job.EventSeq);
                await Assert.That(events[^1].ToState).IsEqualTo(job.State);
            }
        }
    }
}
