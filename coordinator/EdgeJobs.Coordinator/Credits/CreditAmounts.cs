using System.Globalization;

namespace EdgeJobs.Coordinator.Credits;

/// <summary>
/// Credits on the wire are decimal numbers with at most three decimals; the ledger keeps millicredits (integers, so sums
/// are exact and the balance check is one comparison).
/// </summary>
public static class CreditAmounts
{
    /// <summary>The largest amount one request may move: a billion credits (far below what a 64-bit sum overflows at).</summary>
    public const decimal MaxCredits = 1_000_000_000m;

    public static decimal ToCredits(long milli) => milli / 1000m;

    /// <summary>Whole millicredits of <paramref name="credits"/>, or a reason it is not an amount (more than three decimals, too large).</summary>
    public static bool TryToMilli(decimal credits, out long milli, out string? reason)
    {
        milli = 0;
        if (Math.Abs(credits) > MaxCredits)
        {
            reason = $"must be at most {MaxCredits.ToString(CultureInfo.InvariantCulture)} credits";
            return false;
        }

        var scaled = credits * 1000m;
        if (scaled != decimal.Truncate(scaled))
        {
            reason = "has more than three decimals (credits are counted in thousandths)";
            return false;
        }

        milli = (long)scaled;
        reason = null;
        return true;
    }

    /// <summary>Millicredits of a price that is not a whole number of them: rounded up, so a job never costs less than its rate says.</summary>
    public static long CeilingMilli(decimal credits) => (long)decimal.Ceiling(credits * 1000m);
}
