using System.Net.Http.Headers;
using System.Text;
using Dapper;
using EdgeJobs.Coordinator.Facades.DroneDb;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Testing;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Tests.Facades.DroneDb;

/// <summary>
/// A real coordinator (no agent: tasks stay Enqueued unless walked on) with the seed's dataset <c>myorg/myds</c> holding
/// <c>orthophoto.tif</c>, and tokens: <see cref="Amy"/> and <see cref="Ben"/> (jobs and datasets, read and write, in
/// myorg), <see cref="Reader"/> (jobs:read and datasets:read in myorg), <see cref="Zed"/> (everything in org zeta, which
/// has its own dataset <c>zeta/other</c>), and the global admin.
/// </summary>
internal sealed class TaskHarness : IAsyncDisposable
{
    public const string Tasks = "orgs/myorg/ds/myds/tasks";

    /// <summary>The seed document's own submit example.</summary>
    public const string SeedSubmit = """{"toolId":"raster-export","version":"1","path":"orthophoto.tif","params":{"formula":"NDVI","colormap":"rdylgn"},"force":false}""";

    private TaskHarness(ApiServer api) => Api = api;

    public ApiServer Api { get; }

    public string Amy { get; private set; } = "";

    public string Ben { get; private set; } = "";

    public string Reader { get; private set; } = "";

    public string Zed { get; private set; } = "";

    public string Admin => Api.Admin;

    public static async Task<TaskHarness> StartAsync(Func<CoordinatorOptions, CoordinatorOptions>? configure = null)
    {
        var h = new TaskHarness(await ApiServer.StartAsync(configure: configure));
        string[] all = [Scopes.JobsRead, Scopes.JobsWrite, Scopes.DatasetsRead, Scopes.DatasetsWrite];
        h.Amy = await h.Api.MintInOrgAsync("amy", "myorg", all);
        h.Ben = await h.Api.MintInOrgAsync("ben", "myorg", all);
        h.Reader = await h.Api.MintInOrgAsync("rita", "myorg", Scopes.JobsRead, Scopes.DatasetsRead);
        h.Zed = await h.Api.MintInOrgAsync("zed", "zeta", all);
        (await h.Api.SendAsync(HttpMethod.Put, "v1/datasets/myorg/myds", h.Amy)).EnsureSuccessStatusCode();
        (await h.Api.SendAsync(HttpMethod.Put, "v1/datasets/zeta/other", h.Zed)).EnsureSuccessStatusCode();
        await h.PutFileAsync("v1/datasets/myorg/myds/files/orthophoto.tif", h.Amy, 1000);
        await h.PutFileAsync("v1/datasets/myorg/myds/files/reference.tif", h.Amy, 1000);
        await h.PutFileAsync("v1/datasets/zeta/other/files/orthophoto.tif", h.Zed, 1000);
        return h;
    }

    private async Task PutFileAsync(string path, string token, int size)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new ByteArrayContent(new byte[size]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        (await Api.Http.SendAsync(request)).EnsureSuccessStatusCode();
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? json = null) => Api.SendAsync(method, path, token, json);

    public Task<HttpResponseMessage> GetAsync(string path, string? token) => Api.GetAsync(path, token);

    /// <summary>Submits a task and returns its answer, checking it was accepted.</summary>
    public async Task<TaskSubmittedDto> SubmitAsync(string token, string body = SeedSubmit, string tasks = Tasks)
    {
        using var response = await SendAsync(HttpMethod.Post, tasks, token, body);
        if (response.StatusCode != System.Net.HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"submit answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return (await ApiServer.ReadAsync(response, TaskJsonContext.Default.TaskSubmittedDto))!;
    }

    public async Task<TaskStatusDto> StatusAsync(string taskId, string? token = null, string tasks = Tasks)
    {
        using var response = await GetAsync($"{tasks}/{taskId}", token ?? Amy);
        response.EnsureSuccessStatusCode();
        return (await ApiServer.ReadAsync(response, TaskJsonContext.Default.TaskStatusDto))!;
    }

    public async Task<IReadOnlyList<TaskStatusDto>> ListAsync(string query = "", string? token = null, string tasks = Tasks)
    {
        using var response = await GetAsync(tasks + query, token ?? Amy);
        response.EnsureSuccessStatusCode();
        return (await ApiServer.ReadAsync(response, TaskJsonContext.Default.IReadOnlyListTaskStatusDto))!;
    }

    /// <summary>Everything a refused request must leave as it was: every job with its state and dedup key, the marks, the dataset entries.</summary>
    public async Task<string> StateAsync()
    {
        var text = new StringBuilder();
        await using var c = new SqliteConnection($"Data Source={Api.Ledger.Path};Mode=ReadOnly;Pooling=False");
        await c.OpenAsync();
        foreach (var row in c.Query<string>("SELECT id || ':' || state || ':' || tool || ':' || org || '/' || coalesce(dataset, '-') || ':' || coalesce(dedup_key, '-') || ':' || params FROM jobs ORDER BY id"))
        {
            text.Append(row).Append('\n');
        }

        foreach (var row in c.Query<string>("SELECT 'deleted ' || job_id FROM task_deletions ORDER BY job_id"))
        {
            text.Append(row).Append('\n');
        }

        foreach (var row in c.Query<string>("SELECT org || '/' || dataset || '/' || path || ':' || size FROM dataset_entries ORDER BY org, dataset, path"))
        {
            text.Append(row).Append('\n');
        }

        return text.ToString();
    }

    public ValueTask DisposeAsync() => Api.DisposeAsync();
}
