using Dapper;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Testing;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Tests.Ledger;

public class LedgerFileTests
{
    [Test]
    public async Task a_new_ledger_is_migrated_to_the_latest_version_in_wal_mode()
    {
        await using var f = new LedgerFixture();
        await using var c = new SqliteConnection($"Data Source={f.Ledger.Path}");
        c.Open();
        await Assert.That(c.ExecuteScalar<long>("PRAGMA user_version")).IsEqualTo(Migrator.LatestVersion);
        await Assert.That(c.ExecuteScalar<string>("PRAGMA journal_mode")).IsEqualTo("wal");
        await Assert.That(await f.Ledger.IntegrityCheckAsync()).IsEqualTo("ok");
    }

    [Test]
    public async Task a_ledger_from_before_orgs_puts_its_jobs_and_user_tokens_in_the_default_org_and_keeps_the_first_start_tokens_global()
    {
        using var dir = new TempDir();
        var path = dir.File("ledger.db");
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            foreach (var (version, _, sql) in Migrator.Scripts.Where(m => m.Version <= 7))
            {
                c.Execute(sql + $"\nPRAGMA user_version = {version};");
            }

            c.Execute("""
                INSERT INTO jobs (tool, tool_version, state, params, owner, max_attempts, created_at, updated_at)
                VALUES ('sleep', '1', 1, '{}', 'alice', 3, 0, 0), ('sleep', '1', 6, '{}', 'alice', 3, 0, 0);
                INSERT INTO tokens (name, hash, scopes, created_at) VALUES
                  ('admin', 'h1', 'jobs:read,jobs:write,jobs:admin', 0), ('agent', 'h2', 'agent', 0), ('alice', 'h3', 'jobs:write', 0);
                """);
        }

        await using var ledger = JobLedger.Open(path);
        await using var read = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        read.Open();
        await Assert.That(read.Query<string>("SELECT DISTINCT org FROM jobs").ToArray()).IsEquivalentTo(["default"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That((await ledger.FindTokenAsync("h1"))!.Org).IsNull();
        await Assert.That((await ledger.FindTokenAsync("h2"))!.Org).IsNull();
        await Assert.That((await ledger.FindTokenAsync("h3"))!.Org).IsEqualTo("default");
        // The active count the triggers keep still matches after the triggers were rewritten.
        await Assert.That((await ledger.ActiveCountsAsync("alice", "sleep")).All).IsEqualTo(1);
        await Assert.That(await ledger.IntegrityCheckAsync()).IsEqualTo("ok");
    }

    [Test]
    public async Task a_ledger_written_by_a_newer_edgejobs_is_refused_with_a_clear_error()
    {
        using var dir = new TempDir();
        var path = dir.File("ledger.db");
        await (await Task.FromResult(JobLedger.Open(path))).DisposeAsync();
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            c.Execute($"PRAGMA user_version = {Migrator.LatestVersion + 1}");
        }

        var error = await Assert.That(() => JobLedger.Open(path)).Throws<LedgerVersionException>();
        await Assert.That(error!.Message).Contains("newer edgejobs");
    }

    [Test]
    public async Task reopening_keeps_every_job_and_applies_no_migration_twice()
    {
        using var dir = new TempDir();
        var path = dir.File("ledger.db");
        long id;
        await using (var ledger = JobLedger.Open(path))
        {
            id = (await ledger.SubmitAsync(LedgerFixture.Job())).Id;
        }

        await using var reopened = JobLedger.Open(path);
        await Assert.That(await reopened.GetJobAsync(id)).IsNotNull();
        await Assert.That((await reopened.SubmitAsync(LedgerFixture.Job())).Id).IsGreaterThan(id);
    }

    [Test]
    public async Task one_failing_write_in_a_group_commit_does_not_undo_its_neighbours()
    {
        await using var f = new LedgerFixture();
        var writes = new List<Task>();
        for (var i = 0; i < 50; i++)
        {
            writes.Add(f.Ledger.SubmitAsync(LedgerFixture.Job()));
            if (i == 25)
            {
                writes.Add(f.Ledger.WriteAsync<int>(c =>
                {
                    c.Execute("INSERT INTO nodes (node_key, name, registered_at) VALUES ('x', 'x', 0)");
                    throw new InvalidOperationException("boom");
                }));
            }
        }

        var failing = writes[26];
        await Assert.That(async () => await failing).Throws<InvalidOperationException>();
        await Task.WhenAll(writes.Where(w => w != failing));
        await Assert.That(await f.Ledger.CountJobsAsync()).IsEqualTo(50);
        await Assert.That((await f.Ledger.ListNodesAsync()).Count).IsEqualTo(0);
    }
}
