using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Server;
using EdgeJobs.Testing;

namespace EdgeJobs.Agent.Tests.Datasets;

/// <summary>
/// What <c>edgejobs coordinator</c> runs for dataset tools, in this process: the coordinator with its dataset agent, an
/// admin client, and dataset <c>default/field</c>.
/// </summary>
internal sealed class DatasetToolHarness : IAsyncDisposable
{
    public const string Dataset = "v1/datasets/default/field";

    private readonly TempDir _dir;

    private DatasetToolHarness(TempDir dir, EdgeJobsServer server, HttpClient http)
    {
        _dir = dir;
        Server = server;
        Http = http;
    }

    public EdgeJobsServer Server { get; }

    public HttpClient Http { get; }

    /// <summary>The dataset's directory on the coordinator's disk.</summary>
    public string Root => Path.Combine(Server.Coordinator.Options.DataDir, "datasets", "default", "field");

    public static async Task<DatasetToolHarness> StartAsync(long? byteQuota = null)
    {
        var dir = new TempDir();
        var server = await EdgeJobsServer.StartAsync(new CoordinatorOptions
        {
            DataDir = dir.File("data"),
            Http = "127.0.0.1:0",
            Link = "127.0.0.1:0",
            Catalog = ToolCatalog.BuiltIn,
        }, new EmbeddedAgentOptions { Slots = 0, DatasetSlots = 1 });
        var http = new HttpClient { BaseAddress = server.Coordinator.HttpAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(server.Coordinator.Options.AdminTokenPath).Trim());
        var body = byteQuota is { } q ? new StringContent($"{{\"byte_quota\":{q}}}", Encoding.UTF8, "application/json") : null;
        (await http.PutAsync(Dataset, body)).EnsureSuccessStatusCode();
        return new DatasetToolHarness(dir, server, http);
    }

    public async Task PutAsync(string path, byte[] content) =>
        (await Http.PutAsync($"{Dataset}/files/{path}", new ByteArrayContent(content))).EnsureSuccessStatusCode();

    public async Task<IReadOnlyList<DatasetEntryDto>> EntriesAsync()
    {
        using var list = await Http.GetAsync(Dataset + "/entries?limit=1000");
        return (await ApiServer.ReadAsync(list, RestJsonContext.Default.DatasetEntryListDto))!.Entries;
    }

    public async Task<HttpResponseMessage> PostJobAsync(string body) =>
        await Http.PostAsync("v1/jobs", new StringContent(body, Encoding.UTF8, "application/json"));

    public async Task<JobDto> RunAsync(string tool, string paramsJson)
    {
        using var submit = await PostJobAsync($$"""{"tool":"{{tool}}","dataset":"default/field","force":true,"params":{{paramsJson}}}""");
        if (submit.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"submit answered {(int)submit.StatusCode}: {await submit.Content.ReadAsStringAsync()}");
        }

        var id = (await ApiServer.ReadAsync(submit, RestJsonContext.Default.JobDto))!.Id;
        JobDto? job = null;
        await Cluster.WaitForAsync(async () =>
        {
            using var get = await Http.GetAsync($"v1/jobs/{id}");
            job = await ApiServer.ReadAsync(get, RestJsonContext.Default.JobDto);
            return job!.Status is "completed" or "failed" or "stopped";
        }, TimeSpan.FromSeconds(60), $"job {id}");
        return job!;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        _dir.Dispose();
    }
}
