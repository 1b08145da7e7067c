using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeJobs.Coordinator.OpenApi;
using EdgeJobs.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeJobs.Coordinator.Tests.OpenApi;

/// <summary>
/// The OpenAPI 3.1 documents at <c>/openapi/{name}.json</c>: every route the coordinator maps is in one (a new route
/// without a document fails here until <c>OpenApiGroups</c> names its prefix), each is valid OpenAPI by the specification's
/// own schemas (an npm validator, tests/openapi, installed by scripts/install-deps), and they carry the bearer scheme and
/// the problem answers.
/// </summary>
public partial class OpenApiDocumentsTests
{
    [GeneratedRegex(@"\{\**([^}:?=]+)[^}]*\}")]
    private static partial Regex Parameter();

    /// <summary>A route pattern as OpenAPI writes its path: <c>{**path}</c>, <c>{id:long}</c>, <c>{x?}</c> are <c>{path}</c>, <c>{id}</c>, <c>{x}</c>.</summary>
    private static string PathOf(string pattern)
    {
        var path = "/" + Parameter().Replace(pattern, "{$1}").Trim('/');
        return path;
    }

    private static async Task<Dictionary<string, JsonDocument>> FetchAllAsync(ApiServer api, TempDir dir)
    {
        var documents = new Dictionary<string, JsonDocument>();
        foreach (var group in OpenApiGroups.All)
        {
            // Public: no token.
            using var response = await api.Http.GetAsync($"openapi/{group.Name}.json");
            await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
            var text = await response.Content.ReadAsStringAsync();
            await File.WriteAllTextAsync(dir.File(group.Name + ".json"), text);
            documents[group.Name] = JsonDocument.Parse(text);
        }

        return documents;
    }

    [Test]
    [Arguments("get", "/v1/jobs", "status,limit,cursor,tool,node,campaign,owner")]
    [Arguments("delete", "/v1/jobs", "status")]
    [Arguments("get", "/v1/jobs/{id}/log", "since,limit")]
    [Arguments("get", "/v1/datasets", "org,limit,cursor")]
    [Arguments("get", "/v1/datasets/{org}/{ds}/entries", "prefix,type,limit,cursor")]
    [Arguments("get", "/v1/recipes", "name,limit,cursor")]
    [Arguments("get", "/v1/campaigns/{id}/batches", "limit,cursor")]
    [Arguments("get", "/v1/workspaces/{id}/events", "org,limit,cursor")]
    [Arguments("get", "/orgs/{orgSlug}/ds/{dsSlug}/tasks", "toolId,state,skip,take")]
    [Arguments("get", "/sys/tasks", "toolId,state,skip,take,userId")]
    [Arguments("get", "/met/jobs", "status,job_type,limit,cursor")]
    [Arguments("get", "/ogcapi/jobs", "status,type,processID,limit,cursor,f")]
    [Arguments("get", "/ordo/jobs", "limit,cursor")]
    public async Task a_list_s_query_parameters_are_in_its_document(string method, string path, string names)
    {
        await using var api = await ApiServer.StartAsync();
        using var dir = new TempDir();
        var documents = await FetchAllAsync(api, dir);

        var operation = documents.Values.Select(d => d.RootElement.GetProperty("paths"))
            .Where(paths => paths.TryGetProperty(path, out _)).Select(paths => paths.GetProperty(path))
            .Single().GetProperty(method);
        var query = operation.GetProperty("parameters").EnumerateArray()
            .Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToArray();

        await Assert.That(query).IsEquivalentTo(names.Split(','), TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task every_mapped_route_is_in_its_document()
    {
        await using var api = await ApiServer.StartAsync();
        using var dir = new TempDir();
        var documents = await FetchAllAsync(api, dir);
        var endpoints = api.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        await Assert.That(endpoints.Count).IsGreaterThan(50);
        var missing = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var path = PathOf(endpoint.RoutePattern.RawText!);
            if (path == PathOf(OpenApiDocuments.Route))
            {
                continue; // the documents themselves
            }

            if (OpenApiGroups.Of(path) is not { } group)
            {
                missing.Add($"{path}: no document's prefix (OpenApiGroups)");
                continue;
            }

            var paths = documents[group.Name].RootElement.GetProperty("paths");
            var item = paths.EnumerateObject().FirstOrDefault(p => PathOf(p.Name) == path).Value;
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty(method.ToLowerInvariant(), out _))
                {
                    missing.Add($"{method} {path} is not in {group.Name}.json");
                }
            }
        }

        await Assert.That(missing).IsEmpty().Because(string.Join("\n", missing));
    }

    [Test]
    public async Task the_documents_are_valid_openapi_with_the_bearer_scheme_and_problem_answers()
    {
        await using var api = await ApiServer.StartAsync();
        using var dir = new TempDir();
        var documents = await FetchAllAsync(api, dir);
        foreach (var (name, document) in documents)
        {
            var root = document.RootElement;
            // /ogcapi in 3.0: the oas30 conformance class it declares asks for an OpenAPI 3.0 definition.
            await Assert.That(root.GetProperty("openapi").GetString()).StartsWith(name == "ogcapi" ? "3.0" : "3.1").Because(name);
            await Assert.That(root.GetProperty("paths").EnumerateObject().Count()).IsGreaterThan(0).Because(name);
            await Assert.That(root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString()).IsEqualTo("bearer");
        }

        // Names as each API writes them: snake_case in v1, the standard's camelCase and jobID in /ogcapi, numbers as numbers.
        var v1Schemas = documents["v1"].RootElement.GetProperty("components").GetProperty("schemas");
        await Assert.That(v1Schemas.GetProperty("JobDto").GetProperty("properties").TryGetProperty("created_at", out _)).IsTrue();
        await Assert.That(v1Schemas.GetProperty("JobDto").GetProperty("properties").GetProperty("id").GetProperty("type").GetString()).IsEqualTo("integer");
        await Assert.That(v1Schemas.GetProperty("ProblemDto").GetProperty("properties").TryGetProperty("error_code", out _)).IsTrue();
        var ogcSchemas = documents["ogcapi"].RootElement.GetProperty("components").GetProperty("schemas");
        await Assert.That(ogcSchemas.GetProperty("OgcStatusInfo").GetProperty("properties").TryGetProperty("jobID", out _)).IsTrue();
        await Assert.That(ogcSchemas.GetProperty("OgcProcess").GetProperty("properties").TryGetProperty("jobControlOptions", out _)).IsTrue();

        var v1 = documents["v1"].RootElement.GetProperty("paths");
        var getJob = v1.GetProperty("/v1/jobs/{id}").GetProperty("get");
        await Assert.That(getJob.GetProperty("security")[0].TryGetProperty("bearer", out _)).IsTrue();
        await Assert.That(getJob.GetProperty("responses").GetProperty("404").GetProperty("content").TryGetProperty("application/problem+json", out _)).IsTrue();
        await Assert.That(getJob.GetProperty("responses").GetProperty("401").GetProperty("content").TryGetProperty("application/problem+json", out _)).IsTrue();
        await Assert.That(getJob.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("application/json", out _)).IsTrue();
        await Assert.That(v1.GetProperty("/healthz").GetProperty("get").TryGetProperty("security", out _)).IsFalse();
        var execute = documents["ogcapi"].RootElement.GetProperty("paths").GetProperty("/ogcapi/processes/{processId}/execution").GetProperty("post");
        await Assert.That(execute.GetProperty("responses").TryGetProperty("201", out _)).IsTrue();
        await Assert.That(execute.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _)).IsTrue();

        var validator = Path.Combine(RepoRoot(), "tests", "openapi");
        await Assert.That(Directory.Exists(Path.Combine(validator, "node_modules", "@seriousme", "openapi-schema-validator"))).IsTrue()
            .Because("the validator is installed by scripts/install-deps");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = validator };
        start.ArgumentList.Add("validate.mjs");
        foreach (var name in documents.Keys)
        {
            start.ArgumentList.Add(dir.File(name + ".json"));
        }

        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await Assert.That(node.ExitCode).IsEqualTo(0).Because(await stdout + await stderr);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeJobs.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("EdgeJobs.sln");
    }
}
