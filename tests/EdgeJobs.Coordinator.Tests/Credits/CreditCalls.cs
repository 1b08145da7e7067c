using System.Net;
using System.Text.Json;
using EdgeJobs.Coordinator.Credits;
using EdgeJobs.Protocol.Rest;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Credits;

/// <summary>What the credit tests say over and over: open a workspace, read it, call an operation.</summary>
internal static class CreditCalls
{
    /// <summary>One credit per job whatever it does: counting jobs is counting credits.</summary>
    public static readonly PriceTable OnePerJob = new(new ToolPrice(1m, 0m, 0m), new Dictionary<string, ToolPrice>());

    public static Task<ApiServer> StartAsync(PriceTable? prices = null) =>
        ApiServer.StartAsync(configure: o => o with { Prices = prices ?? PriceTable.Default });

    public static async Task<WorkspaceDto> OpenAsync(ApiServer api, string id, decimal credits, string? token = null)
    {
        using var response = await api.SendAsync(HttpMethod.Post, "v1/workspaces", token ?? api.Admin,
            $$"""{"id":"{{id}}","credits":{{credits.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""");
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"workspace create answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return (await ApiServer.ReadAsync(response, RestJsonContext.Default.WorkspaceDto))!;
    }

    public static async Task<WorkspaceDto> GetAsync(ApiServer api, string id, string? token = null)
    {
        using var response = await api.GetAsync($"v1/workspaces/{id}", token ?? api.Admin);
        return response.StatusCode == HttpStatusCode.OK
            ? (await ApiServer.ReadAsync(response, RestJsonContext.Default.WorkspaceDto))!
            : throw new InvalidOperationException($"workspace get answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task<IReadOnlyList<CreditEventDto>> EventsAsync(ApiServer api, string id)
    {
        using var response = await api.GetAsync($"v1/workspaces/{id}/events?limit=1000", api.Admin);
        return (await ApiServer.ReadAsync(response, RestJsonContext.Default.CreditEventListDto))!.Events;
    }

    /// <summary>An operation through its <c>/v1/op/</c> URL; the answer's status and body.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> OpAsync(ApiServer api, string operation, string? token, string? json, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/op/" + operation);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await api.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonElement.Parse(text));
    }

    /// <summary><c>processing.execute</c> of a sleep of <paramref name="seconds"/> paid by <paramref name="workspace"/>.</summary>
    public static Task<(HttpStatusCode Status, JsonElement Body)> ExecuteSleepAsync(ApiServer api, string token, string workspace, double seconds, string? key = null) =>
        OpAsync(api, "processing.execute", token,
            "{\"process_id\":\"sleep\",\"workspaceId\":\"" + workspace + "\",\"inputs\":{\"seconds\":" + seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}", key);

    public static long JobId(JsonElement body) => long.Parse(body.GetProperty("job_id").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
}
