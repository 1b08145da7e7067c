using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using EdgeJobs.Protocol;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace EdgeJobs.Coordinator.OpenApi;

/// <summary>
/// OpenAPI documents (3.1; 3.0 where a standard asks for it) generated from the endpoints (Microsoft.AspNetCore.OpenApi, whose schemas come from the same
/// source-generated JSON contracts the handlers write with, so it runs under Native AOT), one per
/// <see cref="OpenApiGroups"/> row, at <c>/openapi/{name}.json</c>. Every operation but the public ones
/// (<c>.AllowAnonymous()</c> on the route) carries the bearer security scheme and the 401/403 problems the scope filter
/// answers; routes declare their own answers next to themselves (<c>.Produces</c>, <see cref="OpenApiRoutes"/>).
/// </summary>
internal static class OpenApiDocuments
{
    public const string Route = "/openapi/{documentName}.json";

    public const string BearerScheme = "bearer";

    /// <summary>The contracts the handlers write with; a type's first one is how it goes on the wire.</summary>
    private static readonly JsonSerializerContext[] s_wire =
    [
        RestJsonContext.Default, Facades.OgcApi.OgcJsonContext.Default, Facades.DroneDb.TaskJsonContext.Default,
        Facades.Ordo.OrdoJsonContext.Default, Facades.Met.MetJsonContext.Default,
    ];

    public static void AddTo(IServiceCollection services)
    {
        // The schemas of declared bodies come from these contracts (no reflection under AOT), read with the documents'
        // one set of options: numbers strict as on the wire; names are put right per type by WireNames.
        services.ConfigureHttpJsonOptions(o =>
        {
            for (var i = 0; i < s_wire.Length; i++)
            {
                o.SerializerOptions.TypeInfoResolverChain.Insert(i, s_wire[i]);
            }

            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        foreach (var group in OpenApiGroups.All)
        {
            services.AddOpenApi(group.Name, options =>
            {
                options.OpenApiVersion = group.Version;
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
                options.AddSchemaTransformer(WireNames);
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

    /// <summary>
    /// A schema's property names as its own contract writes them (snake_case for v1, camelCase and <c>jobID</c> for OGC, …):
    /// the documents share one set of options, whose naming would otherwise apply to every API. The same context generated
    /// both contracts of a type, so their properties come in the same order.
    /// </summary>
    private static Task WireNames(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellation)
    {
        var asked = context.JsonTypeInfo;
        if (schema.Properties is not { Count: > 0 } properties || asked.Kind != JsonTypeInfoKind.Object
            || s_wire.Select(c => c.GetTypeInfo(asked.Type)).FirstOrDefault(t => t is not null) is not { } wire || wire.Properties.Count != asked.Properties.Count)
        {
            return Task.CompletedTask;
        }

        var renamed = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        var names = asked.Properties.Select(p => p.Name).Zip(wire.Properties.Select(p => p.Name)).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        foreach (var (name, property) in properties)
        {
            renamed[names.GetValueOrDefault(name, name)] = property;
        }

        schema.Properties = renamed;
        if (schema.Required is { Count: > 0 } required)
        {
            schema.Required = required.Select(r => names.GetValueOrDefault(r, r)).ToHashSet(StringComparer.Ordinal);
        }

        return Task.CompletedTask;
    }

    private static OpenApiResponse Problem(string description, IOpenApiSchema schema) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { [Api.Problems.ContentType] = new() { Schema = schema } },
    };
}
