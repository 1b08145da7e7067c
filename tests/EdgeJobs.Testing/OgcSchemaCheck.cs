using System.Text.Json.Nodes;

namespace EdgeJobs.Testing;

/// <summary>
/// Collects the <c>/ogcapi</c> answers a test received, each with the official 1.0 schema it must satisfy
/// (<c>tests/data/ogcapi-processes-1.0</c>), and validates them all in one run of <c>Python/ogcapi_validate.py</c>.
/// </summary>
public sealed class OgcSchemaCheck
{
    private readonly JsonArray _documents = [];

    /// <summary>Adds a document: <paramref name="schema"/> is a file of <c>core/openapi/schemas</c> without <c>.yaml</c>.</summary>
    public void Add(string schema, string name, string json) =>
        _documents.Add(new JsonObject { ["schema"] = schema, ["name"] = name, ["document"] = JsonNode.Parse(json) });

    public int Count => _documents.Count;

    /// <summary>Throws, listing every violation, unless every document added is valid.</summary>
    public async Task AssertAllValidAsync()
    {
        var (exitCode, stdout, stderr) = await PythonScripts.RunAsync("ogcapi_validate.py", [], _documents.ToJsonString());
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"answers not valid against the OGC API – Processes 1.0 schemas:\n{stdout}{stderr}");
        }
    }
}
