using System.Collections.Frozen;

namespace EdgeJobs.Protocol.Jobs;

/// <summary>Names, terminal flags and the status filters of the REST API.</summary>
public static class JobStates
{
    public static readonly JobState[] All =
    [
        JobState.Scheduled, JobState.Running, JobState.StopRequested, JobState.Stopping,
        JobState.Stopped, JobState.Completed, JobState.Failed, JobState.Partial, JobState.Held,
    ];

    public static readonly JobState[] Terminal = [JobState.Stopped, JobState.Completed, JobState.Failed, JobState.Partial];

    public static readonly JobState[] Active =
        [JobState.Scheduled, JobState.Running, JobState.StopRequested, JobState.Stopping, JobState.Held];

    /// <summary>The states in which an agent holds the job under a lease.</summary>
    public static readonly JobState[] Leased = [JobState.Running, JobState.StopRequested, JobState.Stopping];

    private static readonly FrozenDictionary<string, JobState> s_byName =
        All.ToFrozenDictionary(Name, StringComparer.OrdinalIgnoreCase);

    public static bool IsTerminal(this JobState state) => state is JobState.Stopped or JobState.Completed or JobState.Failed or JobState.Partial;

    public static bool IsActive(this JobState state) => !state.IsTerminal();

    /// <summary>The wire name: snake_case, as in the REST API and the CLI.</summary>
    public static string Name(this JobState state) => state switch
    {
        JobState.Scheduled => "scheduled",
        JobState.Running => "running",
        JobState.StopRequested => "stop_requested",
        JobState.Stopping => "stopping",
        JobState.Stopped => "stopped",
        JobState.Completed => "completed",
        JobState.Failed => "failed",
        JobState.Partial => "partial",
        JobState.Held => "held",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "unknown job state"),
    };

    public static bool TryParse(string name, out JobState state) => s_byName.TryGetValue(name.Trim(), out state);

    /// <summary>
    /// Parses a list filter: <c>active</c> (the default), <c>all</c>, <c>terminal</c>, or a comma list of
    /// state names. Returns false and names the offending token for anything else; an unknown filter is
    /// an error, never an empty answer.
    /// </summary>
    public static bool TryParseFilter(string? filter, out JobState[] states, out string? badToken)
    {
        badToken = null;
        if (string.IsNullOrWhiteSpace(filter) || filter.Trim().Equals("active", StringComparison.OrdinalIgnoreCase))
        {
            states = Active;
            return true;
        }

        var trimmed = filter.Trim();
        if (trimmed.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            states = All;
            return true;
        }

        if (trimmed.Equals("terminal", StringComparison.OrdinalIgnoreCase))
        {
            states = Terminal;
            return true;
        }

        var set = new List<JobState>();
        foreach (var token in trimmed.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!TryParse(token, out var s))
            {
                badToken = token;
                states = [];
                return false;
            }

            if (!set.Contains(s))
            {
                set.Add(s);
            }
        }

        states = [.. set];
        return true;
    }
}
