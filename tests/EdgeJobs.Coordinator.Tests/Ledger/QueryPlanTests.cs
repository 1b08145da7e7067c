using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Ledger;

/// <summary>
/// The hot queries read an index rather than scan or sort the jobs table: a queue of thousands, or a
/// history of millions, must not make each grant or reconnect slower.
/// </summary>
public class QueryPlanTests
{
    [Test]
    public async Task granting_walks_the_ready_index_in_order_without_sorting_the_queue()
    {
        var plan = await PlanAsync(HotStatements.NextReadySql, ("?1", (object)0L), ("?2", "[\"sleep\"]"));

        await Assert.That(plan).Contains("USING INDEX jobs_ready");
        await Assert.That(plan).DoesNotContain("TEMP B-TREE");
    }

    [Test]
    public async Task a_node_s_leases_are_found_through_an_index()
    {
        var plan = await PlanAsync(JobLedger.LeasesOfNodeSql, ("@Node", (object)1L));

        await Assert.That(plan).Contains("USING INDEX jobs_lease_node");
    }

    [Test]
    public async Task expiring_leases_reads_only_the_jobs_that_hold_one()
    {
        var plan = await PlanAsync(JobLedger.ExpiredLeasesSql, ("@Now", (object)0L), ("@Max", 1000));

        await Assert.That(plan).Contains("USING INDEX jobs_lease_expiry");
        await Assert.That(plan).DoesNotContain("TEMP B-TREE");
    }

    [Test]
    [Arguments("insert")]
    [Arguments("compare-and-set")]
    public async Task writing_a_job_builds_no_temporary_b_tree_not_even_in_its_triggers(string statement)
    {
        var sql = statement == "insert" ? HotStatements.InsertSql : HotStatements.CompareAndSetSql;

        var opcodes = await OpcodesAsync(sql);

        // Triggers' programs are listed too: written with IN lists and ORs, the active-count triggers
        // built and dropped several temporary B-trees on every job update.
        await Assert.That(opcodes).Contains("Program");
        await Assert.That(opcodes).DoesNotContain("OpenEphemeral");
    }

    [Test]
    public async Task a_page_of_dataset_entries_is_a_range_of_the_primary_key_read_in_order()
    {
        var plan = await PlanAsync(JobLedger.EntriesPageSql,
            ("@Org", (object)"acme"), ("@Dataset", "survey"), ("@Prefix", "scenes/"), ("@PrefixEnd", "scenes/\U0010FFFF"), ("@After", ""), ("@Take", 101));

        await Assert.That(plan).Contains("USING PRIMARY KEY (org=? AND dataset=? AND path>? AND path<?)");
        await Assert.That(plan).DoesNotContain("TEMP B-TREE");
    }

    [Test]
    public async Task a_page_of_one_type_of_dataset_entries_reads_the_type_index_in_order()
    {
        var plan = await PlanAsync(JobLedger.EntriesOfTypePageSql,
            ("@Org", (object)"acme"), ("@Dataset", "survey"), ("@Type", "raster"), ("@Prefix", ""), ("@PrefixEnd", "\U0010FFFF"), ("@After", ""), ("@Take", 101));

        await Assert.That(plan).Contains("USING INDEX dataset_entries_by_type (org=? AND dataset=? AND type=? AND path>? AND path<?)");
        await Assert.That(plan).DoesNotContain("TEMP B-TREE");
    }

    [Test]
    public async Task a_page_of_a_dataset_s_tasks_reads_its_jobs_through_an_index_in_order()
    {
        var plan = await PlanAsync(JobLedger.DatasetTasksSql,
            ("@Org", (object)"acme"), ("@Dataset", "survey"), ("@Tool", DBNull.Value), ("@Owner", DBNull.Value),
            ("@MaskA", 1L << 6), ("@WaitA", DBNull.Value), ("@MarkA", 0), ("@MaskB", 0L), ("@WaitB", DBNull.Value), ("@MarkB", DBNull.Value),
            ("@Now", 0L), ("@Take", 50), ("@Skip", 0));

        await Assert.That(plan).Contains("USING INDEX jobs_dataset_id (org=? AND dataset=?)");
        await Assert.That(plan).DoesNotContain("TEMP B-TREE");
    }

    [Test]
    public async Task a_submit_s_duplicate_lookup_builds_no_temporary_b_tree()
    {
        var opcodes = await OpcodesAsync(JobLedger.DedupSql,
            ("@Key", (object)"k"), ("@Since", 0L), ("@RequiresArtifact", 1), ("@Now", 0L));

        await Assert.That(opcodes).DoesNotContain("OpenEphemeral");
    }

    /// <summary>The opcodes SQLite compiles <paramref name="sql"/> to, trigger programs included (column 1 of EXPLAIN).</summary>
    private static async Task<List<string>> OpcodesAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var f = new LedgerFixture();
        return await f.Ledger.WriteAsync(c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = "EXPLAIN " + sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            using var reader = command.ExecuteReader();
            var opcodes = new List<string>();
            while (reader.Read())
            {
                opcodes.Add(reader.GetString(1));
            }

            return opcodes;
        });
    }

    /// <summary>SQLite's plan for <paramref name="sql"/> on a freshly migrated ledger, one line per step (column 3 of EXPLAIN QUERY PLAN).</summary>
    private static async Task<string> PlanAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var f = new LedgerFixture();
        return await f.Ledger.WriteAsync(c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            using var reader = command.ExecuteReader();
            var steps = new List<string>();
            while (reader.Read())
            {
                steps.Add(reader.GetString(3));
            }

            return string.Join('\n', steps);
        });
    }
}
