using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace EdgeJobs.Coordinator.OpenApi;

/// <summary>What a route takes and answers besides its success, said next to the route: <c>.Body&lt;T&gt;().Problems(400, 404)</c>.</summary>
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

    /// <summary>
    /// The JSON body the handler reads itself. Not <c>.Accepts&lt;T&gt;()</c>: that makes routing refuse other media types with
    /// a 415 of its own, before the handler's problem (<c>unsupported_media_type</c>) is given.
    /// </summary>
    public static RouteHandlerBuilder Body<T>(this RouteHandlerBuilder route) =>
        route.AddOpenApiOperationTransformer(async (operation, context, cancellation) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellation).ConfigureAwait(false);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });

    /// <summary>The query parameters the handler reads itself (<see cref="QueryParam"/>).</summary>
    public static RouteHandlerBuilder Query(this RouteHandlerBuilder route, params QueryParam[] parameters) =>
        route.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            foreach (var parameter in parameters)
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = parameter.Name,
                    In = ParameterLocation.Query,
                    Description = parameter.Description,
                    Required = parameter.Required,
                    Schema = new OpenApiSchema { Type = parameter.Type },
                });
            }

            return Task.CompletedTask;
        });
}
