using System.Reflection;
using System.Text;
using Dapper;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Testing;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Tests.Ledger;

/// <summary>
/// <see cref="JobColumns.List"/> is the one list of the <c>jobs</c> columns: the mapped queries select it by name
/// and the writer's native statements read it by position.
/// It must name every column of the table once (in any order: selects name them), and both ways of reading a
/// row must give the same <see cref="JobRow"/>.
/// </summary>
public class JobColumnsTests
{
    private static string[] ListedColumns() =>
        JobColumns.List.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    [Test]
    public async Task the_column_list_names_every_column_of_the_jobs_table_and_no_other()
    {
        await using var f = new LedgerFixture();
        await using var c = new SqliteConnection($"Data Source={f.Ledger.Path};Mode=ReadOnly;Pooling=False");
        await c.OpenAsync();
        var table = c.Query<string>("SELECT name FROM pragma_table_info('jobs') ORDER BY cid").ToArray();

        await Assert.That(ListedColumns()).IsEquivalentTo(table, TUnit.Assertions.Enums.CollectionOrdering.Any); // the same columns; the list need not follow the table's order
        await Assert.That(ListedColumns().Distinct().Count()).IsEqualTo(table.Length);
    }

    [Test]
    public async Task every_column_has_a_job_row_property_and_every_property_a_column()
    {
        var properties = typeof(JobRow).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .Select(p => SnakeCase(p.Name))
            .ToArray();

        await Assert.That(properties).IsEquivalentTo(ListedColumns(), TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task the_native_and_the_mapped_reads_of_a_row_agree_on_every_property()
    {
        await using var f = new LedgerFixture();
        var job = await f.InStateAsync(EdgeJobs.Protocol.Jobs.JobState.Failed);
        // Give the columns a walk can leave null a value each, so a swapped position cannot hide behind two nulls.
        await f.Ledger.WriteAsync(c => c.Execute(
            "UPDATE jobs SET campaign_id = 11, parent_id = 12, dedup_key = 'k', progress_phase = 'p', progress_percent = 0.5, org = 'acme' WHERE id = @Id",
            new { job.Id }));

        var mapped = await f.Ledger.GetJobAsync(job.Id);
        var native = await f.Ledger.WriteAsync(c =>
        {
            using var statements = new HotStatements(c);
            return statements.Read(job.Id);
        });

        foreach (var property in typeof(JobRow).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            await Assert.That(property.GetValue(native)).IsEqualTo(property.GetValue(mapped)).Because(property.Name);
        }

        await Assert.That(native!.Org).IsEqualTo("acme");
    }

    private static string SnakeCase(string name)
    {
        var text = new StringBuilder();
        foreach (var ch in name)
        {
            if (char.IsUpper(ch) && text.Length > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(ch));
        }

        return text.ToString();
    }
}
