using Dapper;

namespace EdgeJobs.Coordinator.Ledger;

// Projects (design §8.1; migration 0017): groups of an org's jobs with member tokens. A job names its project at submit;
// a member reads every job of the project (Geopera's project_job.get and project_jobs.list), not only its own.
public sealed partial class JobLedger
{
    private const string ProjectColumns = "org, id, title, created_at, created_by";

    /// <summary>Creates the project (false: it existed, unchanged) and makes its creator a member.</summary>
    public Task<(bool Created, ProjectRow Row)> CreateProjectAsync(string org, string id, string? title, string actor) => WriteAsync(c =>
    {
        var now = Now();
        var inserted = c.Execute("""
            INSERT INTO projects (org, id, title, created_at, created_by) VALUES (@Org, @Id, @Title, @Now, @Actor) ON CONFLICT DO NOTHING
            """, new { Org = org, Id = id, Title = title, Now = now, Actor = actor });
        if (inserted == 1)
        {
            AddMember(c, org, id, actor, now);
        }

        return (inserted == 1, c.QuerySingle<ProjectRow>($"SELECT {ProjectColumns} FROM projects WHERE org = @Org AND id = @Id", new { Org = org, Id = id }));
    });

    public async Task<ProjectRow?> GetProjectAsync(string org, string id)
    {
        await using var c = OpenReader();
        return c.QuerySingleOrDefault<ProjectRow>($"SELECT {ProjectColumns} FROM projects WHERE org = @Org AND id = @Id", new { Org = org, Id = id });
    }

    public async Task<IReadOnlyList<string>> ProjectMembersAsync(string org, string project)
    {
        await using var c = OpenReader();
        return c.Query<string>("SELECT member FROM project_members WHERE org = @Org AND project = @Project ORDER BY member",
            new { Org = org, Project = project }).ToRowList();
    }

    public async Task<bool> IsProjectMemberAsync(string org, string project, string member)
    {
        await using var c = OpenReader();
        return c.ExecuteScalar<long>("SELECT count(*) FROM project_members WHERE org = @Org AND project = @Project AND member = @Member",
            new { Org = org, Project = project, Member = member }) > 0;
    }

    /// <summary>Adds (or, with <paramref name="remove"/>, removes) a member; false when the project does not exist.</summary>
    public Task<bool> SetProjectMemberAsync(string org, string project, string member, bool remove) => WriteAsync(c =>
    {
        if (c.ExecuteScalar<long>("SELECT count(*) FROM projects WHERE org = @Org AND id = @Id", new { Org = org, Id = project }) == 0)
        {
            return false;
        }

        if (remove)
        {
            c.Execute("DELETE FROM project_members WHERE org = @Org AND project = @Project AND member = @Member", new { Org = org, Project = project, Member = member });
        }
        else
        {
            AddMember(c, org, project, member, Now());
        }

        return true;
    });

    private static void AddMember(Microsoft.Data.Sqlite.SqliteConnection c, string org, string project, string member, long now) => c.Execute("""
        INSERT INTO project_members (org, project, member, added_at) VALUES (@Org, @Project, @Member, @Now) ON CONFLICT DO NOTHING
        """, new { Org = org, Project = project, Member = member, Now = now });
}
