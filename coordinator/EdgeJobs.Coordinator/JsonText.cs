using System.Buffers;
using System.Text;
using System.Text.Json;

namespace EdgeJobs.Coordinator;

/// <summary>Small JSON documents written by hand (AOT-safe, no serializer contract needed), as text.</summary>
internal static class JsonText
{
    public static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A JSON array of strings.</summary>
    public static string Array(IEnumerable<string> values) => Write(writer =>
    {
        writer.WriteStartArray();
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    });

    /// <summary>The strings of a JSON array of strings (as <see cref="Array"/> writes them).</summary>
    public static List<string> ReadStrings(string jsonArray)
    {
        using var document = JsonDocument.Parse(jsonArray);
        return [.. document.RootElement.EnumerateArray().Select(e => e.GetString()!)];
    }

    /// <summary>A JSON object of strings, keys in ordinal order (equal maps give equal text).</summary>
    public static string Object(IEnumerable<KeyValuePair<string, string>> map) => Write(writer =>
    {
        writer.WriteStartObject();
        foreach (var (key, value) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    });
}
