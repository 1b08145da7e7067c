using EdgeJobs.Protocol;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace EdgeJobs.Coordinator.OpenApi;

/// <summary>
/// OpenAPI 3.1 documents generated from the endpoints (Microsoft.AspNetCore.OpenApi, whose schemas come from the same
/// source-generated JSON contracts the handlers write with, so it runs under Native AOT), one per
/// <see cref="OpenApiGroups"/> row, at <c>/openapi/{name}.json</c>. Every operation but the public ones
/// (<c>.AllowAnonymous()</c> on the route) carries the bearer security scheme and the 401/403 problems the scope filter
/// answers; routes declare their own answers next to themselves (<c>.Produces</c>, <see cref="OpenApiRoutes"/>).
/// </summary>
internal static class OpenApiDocuments
{
    public const string Route = "/openapi/{documentName}.json";

    public const string BearerScheme = "bearer";

    public static void AddTo(IServiceCollection services)
    {
        // The schemas of declared bodies come from these contracts (no reflection under AOT).
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, RestJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(1, Facades.OgcApi.OgcJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(2, Facades.DroneDb.TaskJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(3, Facades.Ordo.OrdoJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(4, Facades.Met.MetJsonContext.Default);
        });
        foreach (var group in OpenApiGroups.All)
        {
            services.AddOpenApi(group.Name, options =>
            {
                options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
                options.ShouldInclude = description => OpenApiGroups.Of("/" + (description.RelativePath ?? "")) == group;
                options.AddDocumentTransformer((document, _, _) =>
                {
                    document.Info = new OpenApiInfo { Title = group.Title, Description = group.Description, Version = BuildInfo.Version };
                    document.Components ??= new OpenApiComponents();
                    document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                    document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        Description = "A token from edgejobs token create (or DATA_DIR/admin.token): Authorization: Bearer TOKEN",
                    };
                    return Task.CompletedTask;
                });
                options.AddOperationTransformer(async (operation, context, cancellation) =>
                {
                    if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
                    {
                        return;
                    }

                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
                    var problem = await context.GetOrCreateSchemaAsync(typeof(ProblemDto), null, cancellation).ConfigureAwait(false);
                    operation.Responses ??= [];
                    operation.Responses.TryAdd("401", Problem("No bearer token, or one not known", problem));
                    operation.Responses.TryAdd("403", Problem("The token lacks the route's scope, or the job is another owner's", problem));
                });
            });
        }
    }

    /// <summary>Serves the documents; public, as API descriptions are (they name routes, never data).</summary>
    public static void Map(WebApplication app) => app.MapOpenApi(Route).AllowAnonymous();

    private static OpenApiResponse Problem(string description, IOpenApiSchema schema) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { [Api.Problems.ContentType] = new() { Schema = schema } },
    };
}
