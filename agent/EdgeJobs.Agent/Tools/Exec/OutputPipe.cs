using System.Text;

namespace EdgeJobs.Agent.Tools.Exec;

/// <summary>
/// Drains one of a program's pipes to its end, cutting it into lines (at '\n' or '\r', and every
/// <see cref="MaxLineBytes"/> bytes of a line that never ends), decoded as UTF-8 with replacement characters.
/// </summary>
internal static class OutputPipe
{
    public const int MaxLineBytes = 4096;

    /// <param name="line">Each line, in order.</param>
    /// <param name="partial">After each read, the unfinished line so far (for progress written without newlines).</param>
    public static async Task DrainAsync(Stream pipe, Action<string> line, Action<string>? partial)
    {
        var buffer = new byte[64 * 1024];
        var pending = new byte[MaxLineBytes];
        var length = 0;
        var lastWasCr = false;
        while (true)
        {
            var read = await pipe.ReadAsync(buffer).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            var rest = buffer.AsSpan(0, read);
            while (rest.Length > 0)
            {
                var end = rest.IndexOfAny((byte)'\n', (byte)'\r');
                var take = end < 0 ? rest.Length : end;
                while (take > 0)
                {
                    var room = Math.Min(take, MaxLineBytes - length);
                    rest[..room].CopyTo(pending.AsSpan(length));
                    length += room;
                    rest = rest[room..];
                    take -= room;
                    lastWasCr = false;
                    if (length == MaxLineBytes)
                    {
                        line(Encoding.UTF8.GetString(pending, 0, length));
                        length = 0;
                    }
                }

                if (end >= 0)
                {
                    var b = rest[0];
                    rest = rest[1..];
                    if (!(b == '\n' && lastWasCr && length == 0))
                    {
                        line(Encoding.UTF8.GetString(pending, 0, length)); // "\r\n" is one line end
                    }

                    length = 0;
                    lastWasCr = b == '\r';
                }
            }

            if (length > 0 && partial is not null)
            {
                partial(Encoding.UTF8.GetString(pending, 0, length));
            }
        }

        if (length > 0)
        {
            line(Encoding.UTF8.GetString(pending, 0, length));
        }
    }
}
