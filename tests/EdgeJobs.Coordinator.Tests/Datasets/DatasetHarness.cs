using System.Net.Http.Headers;
using System.Text;
using Dapper;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Testing;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Tests.Datasets;

/// <summary>
/// A real coordinator with dataset <c>acme/survey</c> and tokens for its callers: <see cref="Acme"/> (read and
/// write in org acme), a reader and a writer only, and <see cref="Zeta"/> (read and write in another org).
/// </summary>
internal sealed class DatasetHarness : IAsyncDisposable
{
    public const string Base = "v1/datasets/acme/survey";

    private DatasetHarness(ApiServer api) => Api = api;

    public ApiServer Api { get; }

    public string Acme { get; private set; } = "";

    public string AcmeReader { get; private set; } = "";

    public string AcmeWriter { get; private set; } = "";

    public string Zeta { get; private set; } = "";

    /// <summary>Jobs and datasets, read and write, in org acme: submits jobs on acme's datasets.</summary>
    public string AcmeJobs { get; private set; } = "";

    public string DatasetsDir => Path.Combine(Api.Server.Options.DataDir, "datasets");

    public string DatasetDir => Path.Combine(DatasetsDir, "acme", "survey");

    public static async Task<DatasetHarness> StartAsync(long? byteQuota = null)
    {
        var harness = new DatasetHarness(await ApiServer.StartAsync());
        harness.Acme = await harness.Api.MintInOrgAsync("ann", "acme", Scopes.DatasetsRead, Scopes.DatasetsWrite);
        harness.AcmeReader = await harness.Api.MintInOrgAsync("acme-reader", "acme", Scopes.DatasetsRead);
        harness.AcmeWriter = await harness.Api.MintInOrgAsync("acme-writer", "acme", Scopes.DatasetsWrite);
        harness.Zeta = await harness.Api.MintInOrgAsync("zed", "zeta", Scopes.DatasetsRead, Scopes.DatasetsWrite);
        harness.AcmeJobs = await harness.Api.MintInOrgAsync("amy", "acme", Scopes.JobsRead, Scopes.JobsWrite, Scopes.DatasetsRead, Scopes.DatasetsWrite);
        var body = byteQuota is { } quota ? $"{{\"byte_quota\":{quota}}}" : null;
        using var created = await harness.Api.SendAsync(HttpMethod.Put, Base, harness.Acme, body);
        created.EnsureSuccessStatusCode();
        return harness;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, HttpContent? content = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        request.Content = content;
        configure?.Invoke(request);
        return await Api.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    public Task<HttpResponseMessage> PutFileAsync(string path, byte[] content, Action<HttpRequestMessage>? configure = null, string? token = null) =>
        SendAsync(HttpMethod.Put, $"{Base}/files/{path}", token ?? Acme, new ByteArrayContent(content), configure);

    public Task<HttpResponseMessage> GetFileAsync(string path, Action<HttpRequestMessage>? configure = null, string? token = null) =>
        SendAsync(HttpMethod.Get, $"{Base}/files/{path}", token ?? Acme, null, configure);

    /// <summary>Everything a refused request must leave as it was: the datasets, their index, and every file under datasets/ (partials too).</summary>
    public async Task<string> StateAsync()
    {
        var text = new StringBuilder();
        await using (var c = new SqliteConnection($"Data Source={Api.Ledger.Path};Mode=ReadOnly;Pooling=False"))
        {
            await c.OpenAsync();
            foreach (var row in c.Query<string>("SELECT org || '/' || name || ':' || coalesce(byte_quota, '-') || ':' || bytes_used || ':' || entry_count FROM datasets ORDER BY org, name"))
            {
                text.Append(row).Append('\n');
            }

            foreach (var row in c.Query<string>("SELECT org || '/' || dataset || '/' || path || ':' || type || ':' || size || ':' || sha256 FROM dataset_entries ORDER BY org, dataset, path"))
            {
                text.Append(row).Append('\n');
            }
        }

        // Folders too (a refused upload must not leave one behind), except the incoming dir's: partials are files.
        var incoming = Path.Combine(DatasetsDir, ".incoming");
        foreach (var file in Directory.EnumerateFileSystemEntries(DatasetsDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (Directory.Exists(file) && file.StartsWith(incoming, StringComparison.Ordinal))
            {
                continue;
            }

            text.Append(Path.GetRelativePath(DatasetsDir, file)).Append(File.Exists(file) ? ":" + new FileInfo(file).Length : "/").Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Files under the incoming dir (partial uploads).</summary>
    public string[] Partials() => [.. Directory.EnumerateFiles(Path.Combine(DatasetsDir, ".incoming"), "*.part", SearchOption.AllDirectories)];

    /// <summary>Deterministic bytes for a test file.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    public ValueTask DisposeAsync() => Api.DisposeAsync();
}
