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
                await f.Ledger.DeleteByStateAsync(JobStates.Terminal, org: null);
                await f.Ledger.CleanupAsync(TimeSpan.Zero, [JobState.Completed], org: null);
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
            await Assert.That(events.Select(e => e.Seq).ToArray()).IsEquivalentTo(Enumerable.Range(1, events.Count).Select(i => (long)i).ToArray(), TUnit.Assertions.Enums.CollectionOrdering.Matching);
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
    public async Task a_batch_of_relaxed_writes_is_not_synced_and_a_durable_write_is()
    {
        await using var f = new LedgerFixture(new LedgerOptions { Durable = true });
        await f.Ledger.WriteAsync(_ => 0);
        var before = f.Ledger.Syncs;

        await f.Ledger.WriteRelaxedAsync(_ => 0);
        await Assert.That(f.Ledger.Syncs).IsEqualTo(before);

        await f.Ledger.WriteAsync(_ => 0);
        await Assert.That(f.Ledger.Syncs).IsEqualTo(before + 1);
    }

    [Test]
    public async Task a_ledger_that_is_not_durable_never_syncs()
    {
        await using var f = new LedgerFixture(new LedgerOptions { Durable = false });

        await f.Ledger.WriteAsync(_ => 0);
        await f.Ledger.WriteRelaxedAsync(_ => 0);

        await Assert.That(f.Ledger.Syncs).IsEqualTo(0);
    }

    [Test]
    public async Task the_writer_runs_the_next_batch_before_the_last_is_published_and_publishes_in_commit_order()
    {
        await using var f = new LedgerFixture(new LedgerOptions { Durable = true });
        using var firstRunning = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var first = f.Ledger.WriteAsync(_ =>
        {
            firstRunning.Set();
            release.Wait();
            return 1;
        });
        firstRunning.Wait();
        // Queued while the first batch runs: the second batch, relaxed (it needs no sync of its own).
        var second = f.Ledger.WriteRelaxedAsync(_ => 2);
        var firstDoneWhenSecondWas = second.ContinueWith(_ => first.IsCompleted, TaskScheduler.Default);
        release.Set();

        await Assert.That(await second).IsEqualTo(2);
        await Assert.That(await firstDoneWhenSecondWas).IsTrue();
        await Assert.That(await first).IsEqualTo(1);
    }

    [Test]
    public async Task a_failed_sync_fails_its_callers_and_refuses_every_later_write()
    {
        // fdatasync of /dev/null fails (EINVAL): as a dying disk would, without one.
        using var syncer = new CommitSyncer("/dev/null");
        var durable = new WriteItem<int>(_ => 1);
        durable.Run(null!);
        var relaxedAfter = new WriteItem<int>(_ => 2);
        relaxedAfter.Run(null!);

        syncer.Enqueue([durable], needsSync: true);
        syncer.Enqueue([relaxedAfter], needsSync: false);
        await syncer.CompleteAsync();

        var error = await Assert.ThrowsAsync<IOException>(() => durable.Task);
        await Assert.That(error!.Message).Contains("could not be synced to disk");
        await Assert.ThrowsAsync<IOException>(() => relaxedAfter.Task);
        await Assert.That(syncer.Failure).IsNotNull();
    }

    [Test]
    public async Task a_failing_operation_undoes_only_its_own_writes_not_its_batch_neighbours()
    {
        await using var f = new LedgerFixture();
        using var release = new ManualResetEventSlim();
        var blocker = f.Ledger.WriteAsync(_ => release.Wait(TimeSpan.FromSeconds(10)));
        // Queued behind the blocker, so the three share the next batch.
        var before = f.Ledger.WriteAsync(c => Count(c, "before"));
        var failing = f.Ledger.WriteAsync<long>(c =>
        {
            Count(c, "failing");
            throw new InvalidOperationException("halfway");
        });
        var after = f.Ledger.WriteAsync(c => Count(c, "after"));
        release.Set();
        await blocker;

        await Assert.That(await before).IsEqualTo(1);
        await Assert.That(await after).IsEqualTo(1);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        await Assert.That(error!.Message).IsEqualTo("halfway");
        var kept = await f.Ledger.WriteAsync(c => (Read(c, "before"), Read(c, "failing"), Read(c, "after")));
        await Assert.That(kept).IsEqualTo((1L, 0L, 1L));
    }

    /// <summary>Adds one to a named counter (a row of active_counts under a scope of its own) and returns it.</summary>
    private static long Count(Microsoft.Data.Sqlite.SqliteConnection c, string name)
    {
        using var command = c.CreateCommand();
        command.CommandText = "INSERT INTO active_counts VALUES ('test', $name, 1) ON CONFLICT DO UPDATE SET active = active + 1 RETURNING active";
        command.Parameters.AddWithValue("$name", name);
        return (long)command.ExecuteScalar()!;
    }

    private static long Read(Microsoft.Data.Sqlite.SqliteConnection c, string name)
    {
        using var command = c.CreateCommand();
        command.CommandText = "SELECT coalesce((SELECT active FROM active_counts WHERE scope = 'test' AND name = $name), 0)";
        command.Parameters.AddWithValue("$name", name);
        return (long)command.ExecuteScalar()!;
    }
}
