using EdgeJobs.Catalog.Paths;
using EdgeJobs.Coordinator.Artifacts;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Campaigns;
using EdgeJobs.Coordinator.Datasets;
using EdgeJobs.Coordinator.Facades.DroneDb;
using EdgeJobs.Coordinator.Facades.Ordo;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Coordinator.OpenApi;
using EdgeJobs.Coordinator.Scheduling;
using EdgeJobs.Protocol;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator.Api;

/// <summary>The route table of REST API v1 (README "REST API v1" lists the same routes and scopes) with the scope each route needs.</summary>
internal static class ApiRoutes
{
    /// <returns>The campaign batch reader, which the server runs beside the API (it makes the children the API asks for).</returns>
    public static BatchReader Map(WebApplication app, JobLedger ledger, CoordinatorOptions options, Dispatcher dispatcher, ArtifactStore artifacts, DatasetStore datasetStore,
        LeaseTokens leaseTokens, HttpClient catalogHttp, ILogger logger, ILogger campaignLogger, Slurm.Allocator? allocator = null)
    {
        var catalog = options.Catalog;
        var jobs = new JobsApi(ledger, catalog, options, new DataRootPaths(options.ResolvedDataRoot), dispatcher, artifacts, datasetStore, logger);
        var nodes = new NodesApi(ledger, dispatcher, options);
        var catalogApi = new CatalogApi(catalog, BuildInfo.Version);
        var metrics = new MetricsApi(ledger, dispatcher, allocator);
        var tokens = new TokenCache(ledger, options.Time);
        var read = new ScopeFilter(tokens, Scopes.JobsRead);
        var write = new ScopeFilter(tokens, Scopes.JobsWrite);
        var admin = new ScopeFilter(tokens, Scopes.JobsAdmin);
        var anyJobs = new ScopeFilter(tokens, Scopes.JobsRead, Scopes.JobsWrite);
        Dashboard.DashboardRoutes.Map(app, tokens);

        // Each route says what it answers, for the OpenAPI documents (/openapi/{name}.json; OpenApi/OpenApiGroups).
        app.MapGet("/healthz", () => Results.Json(new HealthDto("ok"), RestJson.Wire.HealthDto)).AllowAnonymous().Produces<HealthDto>();
        app.MapGet("/readyz", async () => await ledger.NotReadyReasonAsync().ConfigureAwait(false) is { } reason
            ? Problems.Of(503, "not_ready", "Not ready", reason)
            : Results.Json(new HealthDto("ready"), RestJson.Wire.HealthDto)).AllowAnonymous().Produces<HealthDto>().Problems(503);
        // Operators' view (other owners' counts, the nodes): jobs:admin, like /v1/nodes.
        app.MapGet("/metrics", metrics.ScrapeAsync).AddEndpointFilter(admin).Produces<string>(200, "text/plain");

        var v1 = app.MapGroup("/v1").WithTags("REST API v1");
        v1.MapGet("/tools", catalogApi.Tools).AddEndpointFilter(anyJobs).Produces<ToolListDto>();
        v1.MapGet("/tools/{id}", (string id) => catalogApi.Tool(id)).AddEndpointFilter(anyJobs).Produces<ToolDto>().Problems(404);
        v1.MapGet("/sys/features", catalogApi.Features).AddEndpointFilter(anyJobs).Produces<FeaturesDto>();

        v1.MapPost("/jobs", (HttpRequest request) => jobs.SubmitAsync(request.HttpContext)).AddEndpointFilter(write)
            .Body<SubmitRequest>().Produces<JobDto>(202).Produces<JobDto>(200).Problems(400, 409, 413, 415, 429);
        v1.MapPost("/jobs/validate", (HttpRequest request) => jobs.ValidateAsync(request.HttpContext)).AddEndpointFilter(write)
            .Body<SubmitRequest>().Produces(204).Problems(400, 413, 415);
        v1.MapPost("/jobs/estimate", (HttpRequest request) => jobs.EstimateAsync(request.HttpContext)).AddEndpointFilter(write)
            .Body<SubmitRequest>().Produces<EstimateDto>().Problems(400, 413, 415);
        v1.MapGet("/jobs", (HttpRequest request) => jobs.ListAsync(request.HttpContext)).AddEndpointFilter(read).Produces<JobListDto>().Problems(400)
            .Query(QueryParam.Text("status", "active (default), all, terminal, or a comma list of states: scheduled, running, stop_requested, stopping, stopped, completed, failed, partial, held"),
                QueryParam.Limit(50), QueryParam.Cursor("a job id; newest first"), QueryParam.Text("tool", "only this tool's jobs"), QueryParam.Integer("node", "only jobs that ran on this node id"),
                QueryParam.Text("campaign", "a campaign's id (its batches and children) or number"), QueryParam.Text("owner", "only this owner's jobs (another's: jobs:admin)"));
        v1.MapDelete("/jobs", (HttpRequest request) => jobs.DeleteManyAsync(request.HttpContext)).AddEndpointFilter(admin).Produces<DeletedDto>().Problems(400)
            .Query(QueryParam.Text("status", "which ended jobs: terminal, completed, stopped, failed (or error)", required: true));
        v1.MapPost("/jobs/cleanup", (HttpRequest request) => jobs.CleanupAsync(request.HttpContext)).AddEndpointFilter(admin).Produces<DeletedDto>().Problems(400, 415);
        v1.MapGet("/jobs/{id}", (HttpContext http, string id) => jobs.GetAsync(http, id)).AddEndpointFilter(read).Produces<JobDto>().Problems(400, 404);
        v1.MapGet("/jobs/{id}/events", (HttpContext http, string id) => jobs.EventsAsync(http, id)).AddEndpointFilter(read).Produces<JobEventListDto>().Problems(400, 404);
        v1.MapGet("/jobs/{id}/artifact", (HttpContext http, string id) => jobs.ArtifactAsync(http, id)).AddEndpointFilter(read)
            .Produces(200, contentType: "application/octet-stream").Produces(206).Produces(304).Problems(400, 404, 410, 416);
        v1.MapGet("/jobs/{id}/log", (HttpContext http, string id) => jobs.LogAsync(http, id)).AddEndpointFilter(read).Produces<JobLogDto>().Problems(400, 404)
            .Query(QueryParam.Integer("since", "the lines after this cursor (default 0)"), QueryParam.Limit(1000));
        v1.MapGet("/jobs/{id}/progress", (HttpContext http, string id) => jobs.ProgressAsync(http, id)).AddEndpointFilter(read).Produces<JobProgressDto>().Problems(400, 404);
        v1.MapPost("/jobs/{id}/stop", (HttpContext http, string id) => jobs.StopAsync(http, id)).AddEndpointFilter(write).Produces<JobDto>().Problems(400, 404);
        var tilesApi = new TilesApi(ledger, options.TileReader is { } tileReader ? new Tiles.TileService(ledger, tileReader) : null);
        var tileReaders = new ScopeFilter(tokens, Scopes.JobsRead, Scopes.ClipRead);
        v1.MapGet("/jobs/{id}/tiles.json", (HttpContext http, string id) => tilesApi.InfoAsync(http, id)).AddEndpointFilter(tileReaders);
        v1.MapGet("/jobs/{id}/tiles/{z}/{x}/{y}.png", (HttpContext http, string id, string z, string x, string y) => tilesApi.TileAsync(http, id, z, x, y))
            .AddEndpointFilter(tileReaders)
            .Query(QueryParam.Text("rescale", "min,max or min,max,to_min,to_max; once for all bands or once per shown band"),
                QueryParam.Text("colormap", "a colour map (single-band rasters; NAME_r reversed)"));
        v1.MapPost("/jobs/{id}/dispatch", (HttpContext http, string id) => jobs.DispatchAsync(http, id)).AddEndpointFilter(write);
        var workspaces = new WorkspacesApi(ledger);
        var workspaceReaders = new ScopeFilter(tokens, Scopes.JobsRead, Scopes.ProcessingRead);
        v1.MapPost("/workspaces", (HttpRequest request) => workspaces.CreateAsync(request.HttpContext)).AddEndpointFilter(admin);
        v1.MapGet("/workspaces", (HttpRequest request) => workspaces.ListAsync(request.HttpContext)).AddEndpointFilter(workspaceReaders)
            .Query(QueryParam.Org);
        v1.MapGet("/workspaces/{id}", (HttpContext http, string id) => workspaces.GetAsync(http, id)).AddEndpointFilter(workspaceReaders)
            .Query(QueryParam.Org);
        v1.MapPost("/workspaces/{id}/credits", (HttpContext http, string id) => workspaces.ChangeCreditsAsync(http, id)).AddEndpointFilter(admin)
            .Query(QueryParam.Org);
        v1.MapGet("/workspaces/{id}/events", (HttpContext http, string id) => workspaces.EventsAsync(http, id)).AddEndpointFilter(workspaceReaders)
            .Query(QueryParam.Org, QueryParam.Limit(50), QueryParam.Cursor("an event seq; oldest first"));
        var projects = new ProjectsApi(ledger);
        var projectWriters = new ScopeFilter(tokens, Scopes.JobsWrite, Scopes.ProcessingProcess);
        v1.MapPost("/projects", (HttpRequest request) => projects.CreateAsync(request.HttpContext)).AddEndpointFilter(projectWriters);
        v1.MapGet("/projects/{id}", (HttpContext http, string id) => projects.GetAsync(http, id)).AddEndpointFilter(workspaceReaders)
            .Query(QueryParam.Org);
        v1.MapPut("/projects/{id}/members/{member}", (HttpContext http, string id, string member) => projects.SetMemberAsync(http, id, member, remove: false)).AddEndpointFilter(projectWriters)
            .Query(QueryParam.Org);
        v1.MapDelete("/projects/{id}/members/{member}", (HttpContext http, string id, string member) => projects.SetMemberAsync(http, id, member, remove: true)).AddEndpointFilter(projectWriters)
            .Query(QueryParam.Org);
        v1.MapGet("/nodes", () => nodes.ListAsync()).AddEndpointFilter(admin).Produces<NodeListDto>();
        v1.MapPost("/nodes/{id}/drain", (string id) => nodes.SetDrainingAsync(id, true)).AddEndpointFilter(admin).Produces<NodeDto>().Problems(400, 404);
        v1.MapPost("/nodes/{id}/enable", (string id) => nodes.SetDrainingAsync(id, false)).AddEndpointFilter(admin).Produces<NodeDto>().Problems(400, 404);
        var allocations = new Slurm.AllocationsApi(ledger, allocator);
        v1.MapGet("/allocations", () => allocations.ListAsync()).AddEndpointFilter(admin);
        v1.MapPost("/allocations/queues/{name}/resume", (HttpContext http, string name) => allocations.ResumeAsync(http, name)).AddEndpointFilter(admin).Problems(404);
        v1.MapDelete("/jobs/{id}", (HttpContext http, string id) => jobs.DeleteAsync(http, id)).AddEndpointFilter(write).Produces(204).Problems(400, 409);
        var recipes = new RecipesApi(ledger, catalog);
        v1.MapPost("/recipes", (HttpRequest request) => recipes.CreateAsync(request.HttpContext)).AddEndpointFilter(write).Produces<RecipeCreatedDto>(201).Produces<RecipeCreatedDto>(200).Problems(400, 409, 415);
        v1.MapGet("/recipes", (HttpRequest request) => recipes.ListAsync(request.HttpContext)).AddEndpointFilter(anyJobs).Produces<RecipeListDto>().Problems(400)
            .Query(QueryParam.Text("name", "only recipes of this name"), QueryParam.Limit(50), QueryParam.Cursor("a recipe id; newest first"));
        v1.MapGet("/recipes/{id}", (HttpContext http, string id) => recipes.GetAsync(http, id)).AddEndpointFilter(anyJobs).Produces<RecipeDto>().Problems(404);
        var datasetsApi = new DatasetsApi(ledger, datasetStore, options.RasterInspector);
        DatasetRoutes.Map(v1, tokens, datasetsApi);
        // No bearer token: the URL's lease token is the credential (agents read through GDAL's /vsicurl/).
        v1.MapMethods("/leases/{token}/files/{**path}", ["GET", "HEAD"], (HttpContext http, string token, string? path) => datasetsApi.LeaseFileAsync(http, leaseTokens, catalog, token, path))
            .AllowAnonymous().Produces(200, contentType: "application/octet-stream").Problems(403, 404);
        v1.MapMethods("/leases/{token}/steps/{step}/{file}", ["GET", "HEAD"], (string token, string step) => jobs.LeaseStepArtifactAsync(leaseTokens, token, step))
            .AllowAnonymous().Produces(200, contentType: "application/octet-stream").Problems(403, 404);

        var catalogs = new CatalogContext(ledger, options.ResolvedDataRoot, catalogHttp, options.CatalogAllow);
        var reader = new BatchReader(ledger, catalogs, jobs.PrepareChildAsync, dispatcher, options.CatalogRetryBase, campaignLogger);
        var campaigns = new CampaignsApi(ledger, jobs, options, reader, new VariantRepair(ledger, catalogs, options.RepairMaxRecords), campaignLogger);
        v1.MapPost("/campaigns", (HttpRequest request) => campaigns.CreateAsync(request.HttpContext)).AddEndpointFilter(write).Produces<CampaignDto>(201).Produces<CampaignDto>(200).Problems(400, 409, 415);
        v1.MapGet("/campaigns", (HttpRequest request) => campaigns.ListAsync(request.HttpContext)).AddEndpointFilter(anyJobs).Produces<CampaignListDto>().Problems(400)
            .Query(QueryParam.Limit(50), QueryParam.Cursor("a campaign number; newest first"));
        // A public campaign's aggregate answers without a token (seed 000 serves it so); the route checks the rest.
        v1.MapGet("/campaigns/{id}", (HttpContext http, string id) => campaigns.GetAsync(http, id)).AddEndpointFilter(ScopeFilter.Optional(tokens))
            .AllowAnonymous().Produces<CampaignDto>().Problems(401, 404);
        v1.MapPost("/campaigns/{id}/batches", (HttpContext http, string id) => campaigns.CreateBatchAsync(http, id)).AddEndpointFilter(write).Produces<JobDto>(202).Problems(400, 404, 409);
        v1.MapGet("/campaigns/{id}/batches", (HttpContext http, string id) => campaigns.ListBatchesAsync(http, id)).AddEndpointFilter(anyJobs)
            .Query(QueryParam.Limit(50), QueryParam.Cursor("a batch's job id; newest first"));
        v1.MapPost("/campaigns/{id}/stop", (HttpContext http, string id) => campaigns.StopAsync(http, id)).AddEndpointFilter(write);
        v1.MapPost("/campaigns/{id}/repair", (HttpContext http, string id) => campaigns.RepairAsync(http, id)).AddEndpointFilter(write);

        // The seed systems' own APIs (design §8.7): thin mappings onto the same jobs, mounted at their own prefixes.
        TaskRoutes.Map(app, tokens, new TasksApi(ledger, jobs, catalog, options, dispatcher, artifacts, logger));
        OrdoRoutes.Map(app, tokens, new OrdoJobsApi(ledger, jobs, options));
        Facades.Met.MetRoutes.Map(app, tokens, new Facades.Met.MetJobsApi(ledger, jobs, campaigns, options));
        Facades.Geopera.GeoperaRoutes.Map(app, tokens, new Facades.Geopera.OperationsApi(ledger, jobs, tilesApi, catalog, options, logger));
        // The standard interfaces (design §8.6): the same jobs again.
        Facades.OgcApi.OgcRoutes.Map(app, tokens, new Facades.OgcApi.OgcApi(ledger, jobs, catalog, options));
        OpenApiDocuments.Map(app);
        return reader;
    }
}
