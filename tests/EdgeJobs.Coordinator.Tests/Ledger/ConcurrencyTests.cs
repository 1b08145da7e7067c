using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Testing;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Tests.Ledger;

/// <summary>
/// Stops, deletes, bulk deletes and cleanups racing with the lease transitions. Afterwards: no active
/// job was deleted, every surviving job's events are contiguous and end in its current state.
/// </summary>
public class ConcurrencyTests
{
    private static readonly string[] s_sleep = ["sleep"];

    [Test]
    [Repeat(2)]
    public async Task racing_control_operations_never_delete_an_active_job_lose_an_event_or_split_a_state()
    {
        await using var f = new LedgerFixture();
        const int count = 300;
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            ids.Add((await f.SubmitAsync()).Id);
        }

        // Half the jobs run; a third of those are "protected": nobody stops or finishes them, so they
        // must survive every delete.
        var running = new Dictionary<long, long>();
        foreach (var id in ids.Take(count / 2))
        {
            running[id] = (await f.RunningAsync(id)).Fence;
        }

        var protectedIds = running.Keys.Take(running.Count / 3).ToHashSet();
        var finishable = running.Where(r => !protectedIds.Contains(r.Key)).ToList();
        var stoppable = ids.Where(id => !protectedIds.Contains(id)).ToList();
        var rng = new Random(7);

        var finisher = Task.Run(async () =>
        {
            foreach (var (id, fence) in finishable)
            {
                await f.Ledger.FinishAsync(id, fence, new FinishReport(rng.Next(2) == 0 ? FinishOutcome.Succeeded : FinishOutcome.FatalFailure, "x", "y"));
            }
        });
        var stopper = Task.Run(async () =>
        {
            foreach (var id in stoppable.OrderBy(_ => Guid.NewGuid()))
            {
                await f.Ledger.StopAsync(id);
            }
        });
        var deleter = Task.Run(async () =>
        {
            for (var round = 0; round < 3; round++)
            {
                foreach (var id in ids)
                {
                    await f.Ledger.DeleteAsync(id);
                }
            }
        });
        var bulk = Task.Run(async () =>
        {
            for (var round = 0; round < 20; round++)
            {
                await f.Ledger.DeleteByStateAsync(JobStates.Terminal);
                await f.Ledger.CleanupAsync(TimeSpan.Zero, [JobState.Completed]);
                await Task.Yield();
            }
        });
        await Task.WhenAll(finisher, stopper, deleter, bulk);

        foreach (var id in protectedIds)
        {
            var job = await f.Ledger.GetJobAsync(id);
            await Assert.That(job).IsNotNull();
            await Assert.That(job!.JobState).IsEqualTo(JobState.Running);
        }

        foreach (var id in ids)
        {
            var job = await f.Ledger.GetJobAsync(id);
            if (job is null)
            {
                continue;
            }

            var events = await f.Ledger.GetEventsAsync(id);
            await Assert.That(events.Count).IsEqualTo((int)job.EventSeq);
            await Assert.That(events.Select(e => e.Seq).ToArray()).IsEquivalentTo(Enumerable.Range(1, events.Count).Select(i => (long)i).ToArray());
            await Assert.That(events[^1].ToState).IsEqualTo(job.State);
            for (var i = 1; i < events.Count; i++)
            {
                await Assert.That(events[i].FromState).IsEqualTo(events[i - 1].ToState);
            }

            // Jobs that were running and got a stop are still active (stop_requested) and must exist.
            if (running.ContainsKey(id))
            {
                await Assert.That(job.JobState is JobState.Running or JobState.StopRequested or JobState.Completed or JobState.Failed).IsTrue();
            }
        }

        // Every running job that was asked to stop before it finished is still here, waiting for its agent.
        foreach (var (id, _) in finishable)
        {
            var job = await f.Ledger.GetJobAsync(id);
            if (job is null)
            {
                continue;
            }

            await Assert.That(job.JobState.IsTerminal() || job.JobState == JobState.StopRequested).IsTrue();
        }

        await Assert.That(await f.Ledger.IntegrityCheckAsync()).IsEqualTo("ok");
    }

    [Test]
    public async Task concurrent_grants_never_hand_one_job_to_two_agents()
    {
        await using var f = new LedgerFixture();
        for (var i = 0; i < 200; i++)
        {
            await f.SubmitAsync();
        }

        var grants = await Task.WhenAll(Enumerable.Range(1, 8).Select(node => Task.Run(async () =>
        {
            var mine = new List<Lease>();
            while (true)
            {
                var leases = await f.Ledger.GrantAsync(node, s_sleep, count: 3);
                if (leases.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(leases);
            }
        })));

        var all = grants.SelectMany(g => g).ToList();
        await Assert.That(all.Count).IsEqualTo(200);
        await Assert.That(all.Select(l => l.JobId).Distinct().Count()).IsEqualTo(200);
    }

    [Test]
    public async Task a_batch_of_relaxed_writes_commits_without_fsync_and_any_durable_write_restores_it()
    {
        await using var f = new LedgerFixture(new LedgerOptions { Durable = true });

        var relaxed = await f.Ledger.WriteRelaxedAsync(Synchronous);
        var durable = await f.Ledger.WriteAsync(Synchronous);
        var relaxedAgain = await f.Ledger.WriteRelaxedAsync(Synchronous);

        await Assert.That(relaxed).IsEqualTo(1); // NORMAL
        await Assert.That(durable).IsEqualTo(2); // FULL
        await Assert.That(relaxedAgain).IsEqualTo(1);
    }

    [Test]
    public async Task a_ledger_that_is_not_durable_never_turns_fsync_on()
    {
        await using var f = new LedgerFixture(new LedgerOptions { Durable = false });

        await Assert.That(await f.Ledger.WriteAsync(Synchronous)).IsEqualTo(1);
        await Assert.That(await f.Ledger.WriteRelaxedAsync(Synchronous)).IsEqualTo(1);
    }

    /// <summary>The writer connection's <c>PRAGMA synchronous</c> while it runs an operation (1 NORMAL, 2 FULL).</summary>
    private static long Synchronous(Microsoft.Data.Sqlite.SqliteConnection c)
    {
        using var command = c.CreateCommand();
        command.CommandText = "PRAGMA synchronous";
        return (long)command.ExecuteScalar()!;
    }
}
