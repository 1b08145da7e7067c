using EdgeJobs.Catalog.Tools;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

/// <summary>The tool catalog and <c>/v1/sys/features</c>: what clients discover instead of hard-coding.</summary>
internal sealed class CatalogApi(ToolCatalog catalog, string version)
{
    public IResult Tools() => Results.Json(new ToolListDto([.. catalog.Tools.Select(t => t.ToDto())]), RestJson.Wire.ToolListDto);

    public IResult Tool(string id) => catalog.Find(id) is { } tool
        ? Results.Json(tool.ToDto(), RestJson.Wire.ToolDto)
        : Problems.Of(404, "tool_not_found", "No such tool", $"no tool '{Problems.Truncate(id)}'");

    public IResult Features() => Results.Json(
        new FeaturesDto(
            [.. JobStates.All.Select(s => new JobStateInfoDto(s.Name(), s.IsTerminal()))],
            [.. catalog.Tools.Select(t => t.Id)],
            version),
        RestJson.Wire.FeaturesDto);
}
