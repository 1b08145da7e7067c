using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Facades.Geopera;

/// <summary>
/// Job states in the operations' words. The document names one: <c>pending</c>, a job <c>create</c> made that
/// <c>dispatch</c> has not yet scheduled (EdgeJobs' <c>held</c>); every other state keeps its EdgeJobs name.
/// </summary>
public static class GeoperaStates
{
    public const string Pending = "pending";

    public static string Of(JobState state) => state == JobState.Held ? Pending : state.Name();

    public static IEnumerable<string> Names => JobStates.All.Select(Of);

    /// <summary>A comma list of status names as job states; false with the offending name for one that is none.</summary>
    public static bool TryParse(string list, out List<JobState> states, out string? bad)
    {
        states = [];
        bad = null;
        foreach (var name in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (name.Equals(Pending, StringComparison.OrdinalIgnoreCase))
            {
                states.Add(JobState.Held);
            }
            else if (JobStates.TryParse(name, out var state) && state != JobState.Held)
            {
                states.Add(state);
            }
            else
            {
                bad = name;
                return false;
            }
        }

        return true;
    }
}
