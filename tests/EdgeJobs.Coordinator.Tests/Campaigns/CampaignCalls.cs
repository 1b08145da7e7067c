using System.Net;
using EdgeJobs.Catalog.Exec;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Campaigns;

/// <summary>The campaign routes as the tests call them, failing loudly on an unexpected answer.</summary>
internal static class CampaignCalls
{
    public static async Task<CampaignDto> CreateAsync(ApiServer api, string token, string json, HttpStatusCode expected = HttpStatusCode.Created)
    {
        using var response = await api.SendAsync(HttpMethod.Post, "v1/campaigns", token, json);
        return await Expect(response, expected, RestJsonContext.Default.CampaignDto);
    }

    public static async Task<CampaignDto> GetAsync(ApiServer api, string? token, string id)
    {
        using var response = await api.GetAsync($"v1/campaigns/{id}", token);
        return await Expect(response, HttpStatusCode.OK, RestJsonContext.Default.CampaignDto);
    }

    /// <summary>Starts a batch (202) and waits until its page is read: its children made, or the batch ended.</summary>
    public static async Task<JobDto> BatchAsync(ApiServer api, string token, string id, string json = "{}")
    {
        using var response = await api.SendAsync(HttpMethod.Post, $"v1/campaigns/{id}/batches", token, json);
        var batch = await Expect(response, HttpStatusCode.Accepted, RestJsonContext.Default.JobDto);
        return await ReadAsync(api, token, batch.Id);
    }

    /// <summary>The batch job once its page is read (children made) or it ended.</summary>
    public static async Task<JobDto> ReadAsync(ApiServer api, string token, long batchJobId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await api.GetAsync($"v1/jobs/{batchJobId}", token);
            var job = await Expect(response, HttpStatusCode.OK, RestJsonContext.Default.JobDto);
            if (job.Batch!.SpawnedAt is not null || (JobStates.TryParse(job.Status, out var state) && state.IsTerminal()))
            {
                return job;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"batch {batchJobId} was not read within 30 s: {job.Status}, {job.Progress?.Phase}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>A batch's children in catalog order (oldest id first).</summary>
    public static async Task<List<JobDto>> ChildrenAsync(ApiServer api, string token, string campaign, long batchJobId)
    {
        var children = new List<JobDto>();
        long? cursor = null;
        do
        {
            using var response = await api.GetAsync($"v1/jobs?campaign={campaign}&status=all&limit=1000" + (cursor is { } c ? $"&cursor={c}" : ""), token);
            var page = await Expect(response, HttpStatusCode.OK, RestJsonContext.Default.JobListDto);
            children.AddRange(page.Jobs.Where(j => j.ParentId == batchJobId));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        children.Reverse();
        return children;
    }

    public static async Task<T> Expect<T>(HttpResponseMessage response, HttpStatusCode expected, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return (await ApiServer.ReadAsync(response, type))!;
    }

    /// <summary>An exec tool that takes any text: the tests read what each child was given from its params.</summary>
    public static void AddEcho(ApiServer api) => api.Server.Options.Catalog.AddExecTool(new ExecToolDescriptor(ExecManifest.Parse(
        """{"id":"print-value","version":"1","title":"Echo","params_schema":{"type":"object","properties":{"value":{"type":"string","minLength":1}},"required":["value"],"additionalProperties":false},"argv":["printf","%s\\n","{value}"]}""",
        "echo.json", Catalog.Tools.ToolCatalog.BuiltIn.ReservedIds)));

    /// <summary>JSON with <c>@0@</c>, <c>@1@</c> … replaced by the values (templates are full of braces).</summary>
    public static string J(string json, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            json = json.Replace($"@{i}@", Convert.ToString(values[i], System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        return json;
    }

    public static string Param(JobDto job, string name) => job.Params.GetProperty(name).GetString()!;

    public static async Task CompleteAsync(ApiServer api, IEnumerable<JobDto> children)
    {
        foreach (var child in children)
        {
            await JobWalker.IntoStateAsync(api.Ledger, child.Id, JobState.Completed);
        }
    }

    public static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
