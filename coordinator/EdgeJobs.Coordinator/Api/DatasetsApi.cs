using System.Globalization;
using System.Text.Json;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Datasets;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Datasets;
using EdgeJobs.Protocol.Rest;
using Microsoft.AspNetCore.Http;

namespace EdgeJobs.Coordinator.Api;

/// <summary>
/// The datasets of REST API v1 (design §8.2; README "Datasets"). Split by concern: this file creates, lists
/// and deletes datasets; <c>DatasetsApi.Files.cs</c> uploads, downloads and deletes files;
/// <c>DatasetsApi.Entries.cs</c> lists the index and moves entries. Files change only under the dataset's
/// lock (<see cref="DatasetLocks"/>), and always together with their index row.
/// </summary>
internal sealed partial class DatasetsApi(JobLedger ledger, DatasetStore store, IRasterInspector? inspector = null)
{
    /// <summary><c>PUT /v1/datasets/{org}/{ds}</c>: 201 with a new dataset, 200 with the existing one.</summary>
    public async Task<IResult> CreateAsync(HttpContext http, string org, string ds)
    {
        if (CheckNames(http, org, ds) is { } refused)
        {
            return refused;
        }

        long? quota = null;
        if (http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            var (request, problem) = await RequestBody.ReadAsync(http, RestJsonContext.Default.CreateDatasetRequest).ConfigureAwait(false);
            if (request is null)
            {
                return problem!;
            }

            if (request.ByteQuota is < 0)
            {
                return Problems.InvalidBody([new ViolationDto("$.byte_quota", "must be 0 or more bytes (omit it for no limit)")]);
            }

            quota = request.ByteQuota;
        }

        var (dataset, created) = await ledger.CreateDatasetAsync(org, ds, quota).ConfigureAwait(false);
        store.CreateDataset(org, ds);
        if (created)
        {
            http.Response.Headers.Location = DatasetUrl(org, ds);
        }

        return Results.Json(ToDto(dataset), RestJson.Wire.DatasetDto, statusCode: created ? 201 : 200);
    }

    private const int DefaultDatasetLimit = 100;
    private const int MaxDatasetLimit = 1000;

    /// <summary>
    /// <c>GET /v1/datasets?org=&amp;limit=&amp;cursor=</c>: the caller's org's datasets (a global token: every org's, or
    /// <c>org</c>'s), a page at a time by org and name; the cursor is the last dataset's <c>org/name</c>.
    /// </summary>
    public async Task<IResult> ListAsync(HttpContext http)
    {
        var principal = ScopeFilter.Current(http);
        var query = http.Request.Query;
        foreach (var key in query.Keys)
        {
            if (key is not ("org" or "limit" or "cursor"))
            {
                return Problems.InvalidQuery(key, $"'{Problems.Truncate(key)}' is not a filter; use org, limit or cursor");
            }
        }

        var org = Single(query, "org");
        if (org is not null && !EdgeJobs.Protocol.Jobs.Orgs.IsValid(org))
        {
            return Problems.InvalidQuery("org", "org " + DatasetNames.Rule);
        }

        var limit = DefaultDatasetLimit;
        if (Single(query, "limit") is { } rawLimit && (!int.TryParse(rawLimit, out limit) || limit is < 1 or > MaxDatasetLimit))
        {
            return Problems.InvalidQuery("limit", $"limit must be an integer from 1 to {MaxDatasetLimit}");
        }

        (string Org, string Name)? after = null;
        if (Single(query, "cursor") is { } cursor)
        {
            if (cursor.Split('/') is not [var cursorOrg, var cursorName] || !EdgeJobs.Protocol.Jobs.Orgs.IsValid(cursorOrg) || !DatasetNames.IsValid(cursorName))
            {
                return Problems.InvalidQuery("cursor", "cursor must be the next_cursor of a previous page (org/name)");
            }

            after = (cursorOrg, cursorName);
        }

        // Another org's list is the list of an org without datasets: nothing says whether it has any. A token narrowed
        // to some datasets sees those only; its pages may then hold fewer than limit, and the cursor still moves on.
        if (org is not null && !principal.SeesOrg(org))
        {
            return Results.Json(new DatasetListDto([]), RestJson.Wire.DatasetListDto);
        }

        var (rows, more) = await ledger.ListDatasetsAsync(org ?? principal.Org, after, limit).ConfigureAwait(false);
        var next = more ? $"{rows[^1].Org}/{rows[^1].Name}" : null;
        return Results.Json(new DatasetListDto([.. rows.Where(d => principal.SeesDataset(d.Org, d.Name)).Select(ToDto)], next), RestJson.Wire.DatasetListDto);
    }

    /// <summary><c>GET /v1/datasets/{org}/{ds}</c>.</summary>
    public async Task<IResult> GetAsync(HttpContext http, string org, string ds)
    {
        var (dataset, problem) = await FindAsync(http, org, ds).ConfigureAwait(false);
        return dataset is null ? problem! : Results.Json(ToDto(dataset), RestJson.Wire.DatasetDto);
    }

    /// <summary><c>DELETE /v1/datasets/{org}/{ds}</c>: 204; 409 while an active job uses it.</summary>
    public async Task<IResult> DeleteAsync(HttpContext http, string org, string ds)
    {
        var (dataset, problem) = await FindAsync(http, org, ds).ConfigureAwait(false);
        if (dataset is null)
        {
            return problem!;
        }

        using (await store.Locks.EnterAsync(org, ds, http.RequestAborted).ConfigureAwait(false))
        {
            switch (await ledger.DeleteDatasetAsync(org, ds).ConfigureAwait(false))
            {
                case DatasetDeleteResult.NotFound:
                    return DatasetNotFound(org, ds);
                case DatasetDeleteResult.InUse:
                    return Problems.Of(409, "dataset_in_use", "Dataset in use", $"an active job uses dataset '{org}/{ds}'; stop it or wait for it to finish");
            }

            store.DeleteDataset(org, ds);
        }

        return Results.NoContent();
    }

    /// <summary>Checks the names (400), the caller's org (404) and that the dataset exists (404).</summary>
    private async Task<(DatasetRow? Dataset, IResult? Problem)> FindAsync(HttpContext http, string org, string ds)
    {
        if (CheckNames(http, org, ds) is { } refused)
        {
            return (null, refused);
        }

        var dataset = await ledger.GetDatasetAsync(org, ds).ConfigureAwait(false);
        return dataset is null ? (null, DatasetNotFound(org, ds)) : (dataset, null);
    }

    /// <summary>400 for a malformed org or dataset name; 404 for another org's (as for one that does not exist).</summary>
    private static IResult? CheckNames(HttpContext http, string org, string ds)
    {
        if (!EdgeJobs.Protocol.Jobs.Orgs.IsValid(org))
        {
            return InvalidName("org", org);
        }

        if (!DatasetNames.IsValid(ds))
        {
            return InvalidName("ds", ds);
        }

        return ScopeFilter.Current(http).SeesDataset(org, ds) ? null : DatasetNotFound(org, ds);
    }

    private static IResult InvalidName(string parameter, string value) =>
        Problems.Of(400, "invalid_name", "Invalid name", $"{parameter} '{Problems.Truncate(value)}' {DatasetNames.Rule}",
            [new ViolationDto(parameter, DatasetNames.Rule)]);

    private static IResult DatasetNotFound(string org, string ds) =>
        Problems.Of(404, "dataset_not_found", "No such dataset", $"dataset '{org}/{ds}' does not exist");

    /// <summary>Why a checked path may not be used: it runs through a symbolic link in the dataset's directory; else null.</summary>
    private string? ThroughLink(string org, string ds, string path) =>
        store.LinkOnPath(org, ds, path) is { } link ? DatasetStore.LinkRefusal(link) : null;

    private static IResult InvalidPath(string parameter, string? value, string reason) =>
        Problems.Of(400, "invalid_path", "Invalid path", $"{parameter} '{Problems.Truncate(Printable(value ?? ""))}' {reason}",
            [new ViolationDto(parameter, reason)]);

    /// <summary>A refused path, as it can be shown in a detail: control characters as \uXXXX.</summary>
    private static string Printable(string value) =>
        string.Concat(value.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    private static string DatasetUrl(string org, string ds) => $"/v1/datasets/{org}/{ds}";

    private static string FileUrl(string org, string ds, string path) =>
        $"/v1/datasets/{org}/{ds}/files/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}";

    private static DatasetDto ToDto(DatasetRow row) =>
        new(row.Org, row.Name, JobMapper.Time(row.CreatedAt), row.ByteQuota, row.BytesUsed, row.EntryCount);

    private static DatasetEntryDto ToDto(DatasetEntryRow row) =>
        new(row.Path, row.Type, row.Size, row.Sha256, JobMapper.Time(row.Mtime))
        {
            Raster = row is { RasterWidth: { } width, RasterHeight: { } height, RasterBands: { } bands }
                ? new RasterDto(width, height, bands, row.RasterType ?? "Unknown", row.RasterCrs,
                    row.RasterBounds is { } bounds ? JsonSerializer.Deserialize(bounds, RestJsonContext.Default.IReadOnlyListDouble) : null)
                : null,
        };

    private static string? Single(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var values) ? values.Count == 1 ? values[0] : string.Join(',', values.ToArray()) : null;

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
