using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using EdgeJobs.Coordinator;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Testing;

/// <summary>
/// A real coordinator on Kestrel, loopback, a free port, a ledger file in a temp dir; with tokens for
/// every kind of caller.
/// </summary>
public sealed class ApiServer : IAsyncDisposable
{
    private readonly TempDir _dir;

    private ApiServer(TempDir dir, CoordinatorServer server)
    {
        _dir = dir;
        Server = server;
        Http = new HttpClient { BaseAddress = server.HttpAddress };
    }

    public CoordinatorServer Server { get; }

    public JobLedger Ledger => Server.Ledger;

    public HttpClient Http { get; }

    /// <summary>jobs:read, jobs:write, jobs:admin (the first-run admin.token).</summary>
    public string Admin { get; private set; } = "";

    /// <summary>Owner "bob": jobs:read, jobs:write.</summary>
    public string Bob { get; private set; } = "";

    /// <summary>Owner "carol": jobs:read, jobs:write.</summary>
    public string Carol { get; private set; } = "";

    /// <summary>jobs:read only.</summary>
    public string Reader { get; private set; } = "";

    /// <summary>jobs:write only.</summary>
    public string WriteOnly { get; private set; } = "";

    /// <summary>agent only (the first-run agent.token).</summary>
    public string Agent { get; private set; } = "";

    public const string UnknownToken = "ej_thisTokenWasNeverIssuedToAnyoneAtAll0000000";

    public string DataRoot => Server.Options.ResolvedDataRoot;

    /// <param name="configure">Adjusts the options (catalog, quotas...).</param>
    /// <param name="dir">Reuse a directory (a restart); the new server owns and removes it.</param>
    public static async Task<ApiServer> StartAsync(TimeProvider? time = null, Func<CoordinatorOptions, CoordinatorOptions>? configure = null, TempDir? dir = null)
    {
        dir ??= new TempDir();
        var options = new CoordinatorOptions
        {
            DataDir = dir.File("data"),
            Http = "127.0.0.1:0",
            Link = "127.0.0.1:0",
            LogLevel = LogLevel.Warning,
            Ledger = new EdgeJobs.Coordinator.Ledger.LedgerOptions { Durable = false },
            Time = time ?? TimeProvider.System,
            Catalog = new EdgeJobs.Catalog.Tools.ToolCatalog([.. EdgeJobs.Catalog.Tools.ToolCatalog.BuiltIn.Tools, new CopyTool()]),
        };
        var server = await CoordinatorServer.StartAsync(configure is null ? options : configure(options));
        var api = new ApiServer(dir, server)
        {
            Admin = (await File.ReadAllTextAsync(server.Options.AdminTokenPath)).Trim(),
            Agent = (await File.ReadAllTextAsync(server.Options.AgentTokenPath)).Trim(),
        };
        api.Bob = await api.TokenAsync("bob", Scopes.JobsRead, Scopes.JobsWrite);
        api.Carol = await api.TokenAsync("carol", Scopes.JobsRead, Scopes.JobsWrite);
        api.Reader = await api.TokenAsync("reader", Scopes.JobsRead);
        api.WriteOnly = await api.TokenAsync("writer", Scopes.JobsWrite);
        return api;
    }

    /// <summary>Stops this server and starts another on the same data dir (a coordinator restart).</summary>
    public async Task<ApiServer> RestartAsync(TimeProvider? time = null, Func<CoordinatorOptions, CoordinatorOptions>? configure = null)
    {
        _disposed = true;
        Http.Dispose();
        await Server.DisposeAsync();
        return await StartAsync(time, configure, _dir);
    }

    /// <summary>A token by name: minted on first use, the same secret after a restart.</summary>
    private async Task<string> TokenAsync(string name, params string[] scopes)
    {
        var file = System.IO.Path.Combine(_dir.Path, name + ".token");
        if (File.Exists(file))
        {
            return await File.ReadAllTextAsync(file);
        }

        var secret = await MintAsync(name, scopes);
        await File.WriteAllTextAsync(file, secret);
        return secret;
    }

    /// <summary>Writes a file under the data root and returns its relative path.</summary>
    public string WriteInput(string relativePath, string content)
    {
        var full = System.IO.Path.Combine(DataRoot, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return relativePath;
    }

    /// <summary>A token of the default org (where every job made before orgs existed lives).</summary>
    public Task<string> MintAsync(string name, params string[] scopes) => MintInOrgAsync(name, Orgs.Default, scopes);

    /// <summary>A token of <paramref name="org"/>; null mints a global one, as the admin token minted at first start is.</summary>
    public async Task<string> MintInOrgAsync(string name, string? org, params string[] scopes)
    {
        var secret = TokenSecrets.Generate();
        await Ledger.CreateTokenAsync(name, scopes, TokenSecrets.Hash(secret), org);
        return secret;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? json = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? token) => SendAsync(HttpMethod.Get, path, token);

    /// <summary>Submits a sleep job through REST and returns it; <c>force</c> so identical calls make distinct jobs.</summary>
    public async Task<JobDto> SubmitAsync(string token, double seconds = 1)
    {
        using var response = await SendAsync(HttpMethod.Post, "v1/jobs", token,
            "{\"tool\":\"sleep\",\"force\":true,\"params\":{\"seconds\":" + seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}");
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"submit answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return (await ReadAsync(response, RestJsonContext.Default.JobDto))!;
    }

    public static async Task<T?> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), type);

    public static async Task<ProblemDto> ProblemAsync(HttpResponseMessage response)
    {
        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (contentType != "application/problem+json")
        {
            throw new InvalidOperationException($"expected problem+json, got {contentType}: {await response.Content.ReadAsStringAsync()}");
        }

        return (await ReadAsync(response, RestJsonContext.Default.ProblemDto))!;
    }

    /// <summary>Everything a refused request must leave untouched: jobs, their versions, events, logs, tokens, campaigns, credits, projects.</summary>
    public async Task<string> SnapshotAsync()
    {
        await using var c = new SqliteConnection($"Data Source={Ledger.Path};Mode=ReadOnly;Pooling=False");
        c.Open();
        var jobs = c.ExecuteScalar<string>("SELECT coalesce(group_concat(id || ':' || state || ':' || updated_at || ':' || event_seq || ':' || fence, ','), '') FROM jobs");
        var events = c.ExecuteScalar<long>("SELECT count(*) FROM job_events");
        var logs = c.ExecuteScalar<long>("SELECT count(*) FROM job_logs");
        var tokens = c.ExecuteScalar<long>("SELECT count(*) FROM tokens");
        var campaigns = c.ExecuteScalar<string>("SELECT (SELECT count(*) FROM campaigns) || ':' || (SELECT count(*) FROM campaign_batches) || ':' || (SELECT coalesce(sum(n), 0) FROM campaign_children)");
        var credits = c.ExecuteScalar<string>(
            "SELECT (SELECT coalesce(group_concat(org || '/' || id || ':' || balance || ':' || reserved, ','), '') FROM workspaces)"
            + " || ':' || (SELECT count(*) FROM credit_events) || ':' || (SELECT count(*) FROM credit_reservations)"
            + " || ':' || (SELECT count(*) FROM job_registrations) || ':' || (SELECT count(*) FROM projects) || ':' || (SELECT count(*) FROM project_members)");
        return $"{jobs}|{events}|{logs}|{tokens}|{campaigns}|{credits}";
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Http.Dispose();
        await Server.DisposeAsync();
        _dir.Dispose();
    }
}
