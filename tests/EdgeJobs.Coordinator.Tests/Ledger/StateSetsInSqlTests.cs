using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Testing;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Tests.Ledger;

/// <summary>
/// SQL names the state sets it means through the ledger's <c>job_states</c> table (triggers, quotas, the
/// duplicate lookup, deletes, metrics). The table must say exactly what <see cref="JobStates"/> says: a state
/// added to the enum without its row (a migration) fails here, instead of being counted as inactive.
/// </summary>
public class StateSetsInSqlTests
{
    [Test]
    public async Task the_ledger_s_state_table_has_every_state_with_the_sets_the_code_uses()
    {
        await using var f = new LedgerFixture();
        await using var c = new SqliteConnection($"Data Source={f.Ledger.Path};Mode=ReadOnly;Pooling=False");
        await c.OpenAsync();
        using var command = c.CreateCommand();
        command.CommandText = "SELECT state, name, active, terminal, leased FROM job_states ORDER BY state";
        var rows = new List<(int State, string Name, bool Active, bool Terminal, bool Leased)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt32(0), reader.GetString(1), reader.GetInt64(2) != 0, reader.GetInt64(3) != 0, reader.GetInt64(4) != 0));
            }
        }

        var expected = Enum.GetValues<JobState>()
            .Select(s => ((int)s, s.Name(), JobStates.Active.Contains(s), s.IsTerminal(), JobStates.Leased.Contains(s)))
            .ToList();
        await Assert.That(rows).IsEquivalentTo(expected, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        // Active and terminal partition the states; what an agent leases is active.
        await Assert.That(JobStates.Active.Length + JobStates.Terminal.Length).IsEqualTo(Enum.GetValues<JobState>().Length);
        await Assert.That(JobStates.Leased.All(s => JobStates.Active.Contains(s))).IsTrue();
    }

    [Test]
    public async Task the_active_counts_follow_the_state_table_through_every_transition_and_delete()
    {
        await using var f = new LedgerFixture();
        foreach (var state in JobStates.All)
        {
            await f.InStateAsync(state, owner: "ann");
        }

        var counts = await f.Ledger.ActiveCountsAsync("ann", "sleep");
        await Assert.That(counts).IsEqualTo((JobStates.Active.Length, JobStates.Active.Length, JobStates.Active.Length));

        await f.Ledger.DeleteByStateAsync(JobStates.Terminal, org: null);
        await Assert.That((await f.Ledger.ActiveCountsAsync("ann", "sleep")).All).IsEqualTo(JobStates.Active.Length);
        await Assert.That(await f.Ledger.CountJobsAsync()).IsEqualTo(JobStates.Active.Length);
    }
}
