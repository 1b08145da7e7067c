using System.Globalization;
using System.Text.Json;

namespace EdgeJobs.Catalog.Exec;

/// <summary>
/// Finds the line of a member in JSON text by its path: <see cref="JsonElement"/> keeps no positions, and a manifest's
/// errors found after parsing (a schema keyword, an argv placeholder) must still point at a line.
/// </summary>
public static class JsonLines
{
    /// <summary>The 1-based line where <paramref name="path"/> (property names, array indexes as numbers) starts; 0 when absent.</summary>
    public static int LineOf(ReadOnlySpan<byte> utf8, IReadOnlyList<string> path)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var names = new List<string>();
        var containers = new Stack<(bool IsArray, int Next)>();
        string? pendingName = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        pendingName = reader.GetString()!;
                        if (Matches(names, pendingName, path))
                        {
                            return Line(utf8, reader.TokenStartIndex);
                        }

                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (Segment(containers, pendingName) is { } segment)
                        {
                            if (Matches(names, segment, path))
                            {
                                return Line(utf8, reader.TokenStartIndex);
                            }

                            names.Add(segment);
                        }

                        containers.Push((reader.TokenType == JsonTokenType.StartArray, 0));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        containers.Pop();
                        if (names.Count > 0 && names.Count > containers.Count - 1)
                        {
                            names.RemoveAt(names.Count - 1);
                        }

                        break;
                    default:
                        if (Segment(containers, pendingName) is { } value && Matches(names, value, path))
                        {
                            return Line(utf8, reader.TokenStartIndex);
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
        }

        return 0;
    }

    private static string? Segment(Stack<(bool IsArray, int Next)> containers, string? pendingName)
    {
        if (containers.Count == 0)
        {
            return null;
        }

        var top = containers.Pop();
        if (top.IsArray)
        {
            containers.Push((true, top.Next + 1));
            return top.Next.ToString(CultureInfo.InvariantCulture);
        }

        containers.Push(top);
        return pendingName;
    }

    private static bool Matches(List<string> names, string last, IReadOnlyList<string> path)
    {
        if (names.Count + 1 != path.Count || path[^1] != last)
        {
            return false;
        }

        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] != path[i])
            {
                return false;
            }
        }

        return true;
    }

    private static int Line(ReadOnlySpan<byte> utf8, long offset) => utf8[..(int)offset].Count((byte)'\n') + 1;
}
