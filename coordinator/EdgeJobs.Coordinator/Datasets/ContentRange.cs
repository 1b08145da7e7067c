using System.Globalization;

namespace EdgeJobs.Coordinator.Datasets;

/// <summary>
/// <c>Content-Range: bytes START-END/TOTAL</c> on an upload (RFC 9110 §14.4): this request's body is bytes
/// START..END (inclusive) of a file of TOTAL bytes. The one form a resumable upload needs; <c>*</c> for an
/// unknown total is refused, since the coordinator must know when the file is whole.
/// </summary>
internal readonly record struct ContentRange(long Start, long End, long Total)
{
    public long Length => End - Start + 1;

    public bool IsLast => End + 1 == Total;

    /// <returns>Null when <paramref name="header"/> is valid; otherwise why not.</returns>
    public static string? TryParse(string header, out ContentRange range)
    {
        range = default;
        const string unit = "bytes ";
        if (!header.StartsWith(unit, StringComparison.OrdinalIgnoreCase))
        {
            return "must be 'bytes START-END/TOTAL'";
        }

        var spec = header.AsSpan(unit.Length).Trim();
        var slash = spec.IndexOf('/');
        var dash = spec.IndexOf('-');
        if (slash < 0 || dash < 0 || dash > slash
            || !TryNumber(spec[..dash], out var start) || !TryNumber(spec[(dash + 1)..slash], out var end) || !TryNumber(spec[(slash + 1)..], out var total))
        {
            return "must be 'bytes START-END/TOTAL' with whole numbers (an unknown total '*' is not accepted)";
        }

        if (end < start || end >= total)
        {
            return "must have START ≤ END < TOTAL";
        }

        range = new ContentRange(start, end, total);
        return null;
    }

    private static bool TryNumber(ReadOnlySpan<char> text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
