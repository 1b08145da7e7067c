using Microsoft.OpenApi;

namespace EdgeJobs.Coordinator.OpenApi;

/// <summary>
/// One OpenAPI document: its name (<c>/openapi/{name}.json</c>), title, the route prefixes it describes, and the OpenAPI
/// version it is written in (3.1 unless its API's standard asks for another).
/// </summary>
internal sealed record OpenApiGroup(string Name, string Title, string Description, IReadOnlyList<string> Prefixes,
    OpenApiSpecVersion Version = OpenApiSpecVersion.OpenApi3_1);

/// <summary>
/// The OpenAPI documents the coordinator serves, one per API. A route belongs to the document whose prefix is the longest
/// its path starts with, so a new API under an existing one's prefix (say <c>/v1/op/</c> under <c>/v1/</c>) is one more
/// row here and nothing else. <c>OpenApiDocumentsTests</c> fails when a mapped route is in no document.
/// </summary>
internal static class OpenApiGroups
{
    public static readonly IReadOnlyList<OpenApiGroup> All =
    [
        new("v1", "EdgeJobs REST API v1", "Jobs, tools, recipes, campaigns, datasets, nodes (README \"REST API v1\").",
            ["/v1/", "/healthz", "/readyz", "/metrics"]),
        // OpenAPI 3.0: the facade claims Part 1's oas30 conformance class, whose requirement is an API definition in 3.0.
        new("ogcapi", "OGC API – Processes 1.0", "The tool catalog as processes, jobs as OGC jobs (README \"OGC API – Processes\").", ["/ogcapi"],
            OpenApiSpecVersion.OpenApi3_0),
        new("dronedb", "DroneDB Registry tasks", "Seed 003's task API (README \"DroneDB Registry tasks\").", ["/orgs/", "/sys/"]),
        new("ordo", "Ordo jobs", "Seed 001's recipe jobs (README \"Ordo jobs\").", ["/ordo/"]),
        new("met", "MET jobs", "Seed 000's job routes (README \"MET jobs\").", ["/met/"]),
        new("geopera", "Geopera operations", "Seed 002's processing.* operations (README \"Geopera operations\").", ["/v1/op/", "/v1/processing/"]),
        new("dashboard", "Dashboard", "The web dashboard's pages and its sign-in (README \"Dashboard\").", ["/ui"]),
    ];

    /// <summary>The document a route path (<c>/v1/jobs/{id}</c>) belongs to; null for none.</summary>
    public static OpenApiGroup? Of(string path)
    {
        OpenApiGroup? best = null;
        var length = -1;
        foreach (var group in All)
        {
            foreach (var prefix in group.Prefixes)
            {
                if (prefix.Length > length && (path.StartsWith(prefix, StringComparison.Ordinal) || path == prefix.TrimEnd('/')))
                {
                    (best, length) = (group, prefix.Length);
                }
            }
        }

        return best;
    }
}
