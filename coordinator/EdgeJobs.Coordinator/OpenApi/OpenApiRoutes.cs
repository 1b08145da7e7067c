using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.OpenApi;

/// <summary>What a route answers besides its success, said next to the route: <c>.Problems(400, 404)</c>.</summary>
internal static class OpenApiRoutes
{
    public static RouteHandlerBuilder Problems(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            route.Produces<ProblemDto>(status, Api.Problems.ContentType);
        }

        return route;
    }
}
