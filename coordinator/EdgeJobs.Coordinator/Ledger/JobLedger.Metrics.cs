using Dapper;

namespace EdgeJobs.Coordinator.Ledger;

public sealed partial class JobLedger
{
    /// <summary>Active jobs per state (scheduled … stopping), read from the state index.</summary>
    public async Task<IReadOnlyDictionary<int, long>> ActiveByStateAsync()
    {
        await using var c = OpenReader();
        return c.Query<StateCount>("SELECT j.state, count(*) AS count FROM jobs j JOIN job_states s ON s.state = j.state WHERE s.active GROUP BY j.state")
            .ToDictionary(r => r.State, r => r.Count);
    }

    /// <summary>The quota counters the triggers keep: active jobs per tool and per owner.</summary>
    public async Task<IReadOnlyList<ActiveCount>> ActiveCountsAsync()
    {
        await using var c = OpenReader();
        return [.. c.Query<ActiveCount>("SELECT scope, name, active FROM active_counts WHERE scope IN ('tool', 'owner') ORDER BY scope, name")];
    }

    internal sealed class StateCount
    {
        public int State { get; set; }

        public long Count { get; set; }
    }
}

/// <summary>One quota counter: <see cref="Scope"/> is "tool" or "owner".</summary>
public sealed class ActiveCount
{
    public string Scope { get; set; } = "";

    public string Name { get; set; } = "";

    public long Active { get; set; }
}
