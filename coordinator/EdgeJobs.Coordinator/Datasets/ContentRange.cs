using System.Globalization;

namespace EdgeJobs.Coordinator.Datasets;

/// <summary>
/// <c>Content-Range: bytes START-END/TOTAL</c> on an upload (RFC 9110 §14.4): this request's body is bytes
/// START..END (inclusive) of a file of TOTAL bytes. <c>bytes */TOTAL</c> with an empty body asks how much
/// of the upload the coordinator holds (as Google's resumable uploads do), for a client whose connection
/// broke mid-part. <c>*</c> for an unknown total is refused, since the coordinator must know when the file is whole.
/// </summary>
internal readonly record struct ContentRange(long Start, long End, long Total)
{
    /// <summary>A <c>bytes */TOTAL</c> status query, not a part.</summary>
    public bool IsQuery => Start < 0;

    public long Length => IsQuery ? 0 : End - Start + 1;

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
        if (spec.StartsWith("*/") && TryNumber(spec[2..], out var queried))
        {
            range = new ContentRange(-1, -1, queried);
            return null;
        }

        var slash = spec.IndexOf('/');
        var dash = spec.IndexOf('-');
        if (slash < 0 || dash < 0 || dash > slash
            || !TryNumber(spec[..dash], out var start) || !TryNumber(spec[(dash + 1)..slash], out var end) || !TryNumber(spec[(slash + 1)..], out var total))
        {
            return "must be 'bytes START-END/TOTAL' (or 'bytes */TOTAL' to ask for the offset) with whole numbers; an unknown total '*' is not accepted";
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
