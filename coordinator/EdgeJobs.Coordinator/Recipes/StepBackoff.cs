using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Recipes;

/// <summary>
/// A step's own retry wait (<c>retry: {backoff_s, max_backoff_s}</c>): the first retry waits <see cref="BaseMs"/>, each
/// later one twice the one before, never more than <see cref="MaxMs"/>. Kept with the step (job_steps) and read when
/// its step job's attempt fails; a step without one waits the coordinator's backoff, as any job does.
/// </summary>
public sealed record StepBackoff(long BaseMs, long? MaxMs)
{
    /// <summary>A day: a retry that should wait longer is a schedule, not a backoff.</summary>
    public const double MaxSeconds = 86400;

    public static StepBackoff? Of(RecipeRetry? retry) => retry?.BackoffS is { } b
        ? new StepBackoff((long)Math.Round(b * 1000), retry.MaxBackoffS is { } m ? (long)Math.Round(m * 1000) : null)
        : null;

    /// <summary>Adds a violation for each value out of range, naming <paramref name="at"/>'s field.</summary>
    public static void Check(RecipeRetry? retry, string at, string stepId, List<ViolationDto> violations)
    {
        if (retry?.BackoffS is { } b && !InRange(b))
        {
            violations.Add(new ViolationDto($"{at}.backoff_s", $"step '{stepId}': must be from 0 to {MaxSeconds} (a day)"));
        }

        if (retry?.MaxBackoffS is { } m)
        {
            if (!InRange(m))
            {
                violations.Add(new ViolationDto($"{at}.max_backoff_s", $"step '{stepId}': must be from 0 to {MaxSeconds} (a day)"));
            }
            else if (retry.BackoffS is not { } first)
            {
                violations.Add(new ViolationDto($"{at}.max_backoff_s", $"step '{stepId}': goes with backoff_s, the first wait it caps"));
            }
            else if (m < first)
            {
                violations.Add(new ViolationDto($"{at}.max_backoff_s", $"step '{stepId}': must not be below backoff_s ({first})"));
            }
        }
    }

    private static bool InRange(double seconds) => double.IsFinite(seconds) && seconds is >= 0 and <= MaxSeconds;
}
