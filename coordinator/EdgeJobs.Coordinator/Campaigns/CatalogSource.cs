using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Campaigns;

/// <summary>What catalog readers may reach: the ledger (dataset listings), the data root, and HTTP to allowed hosts.</summary>
public sealed record CatalogContext(JobLedger Ledger, string DataRoot, HttpClient Http, IReadOnlyList<string> AllowedHosts)
{
    /// <summary>Largest catalog document read (a STAC page, a CSW answer).</summary>
    public const long MaxDocumentBytes = 64L << 20;

    public bool Allows(Uri url) => url.Scheme is "http" or "https" && AllowedHosts.Contains(url.Host, StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// A campaign's catalog: reads the page of records that starts at a 1-based position. The same position always gives
/// the same records as long as the catalog does not change (listings in path order, STAC in link order, CSW in the
/// server's order: give it a sort_by).
/// </summary>
public abstract class CatalogSource
{
    public const string Dataset = "dataset";
    public const string DataRoot = "data_root";
    public const string Stac = "stac";
    public const string Csw = "csw";

    public abstract Task<CatalogPage> ReadAsync(long startPosition, int maxRecords, CancellationToken cancellation);

    /// <summary>The reader for a checked source (see <see cref="CatalogSourceRules.Check"/>).</summary>
    public static CatalogSource Open(CampaignSourceDto source, string org, CatalogContext context) => source.Type switch
    {
        Dataset => new DatasetListing(context.Ledger, org, source.Dataset!, source.Glob),
        DataRoot => new DataRootListing(context.DataRoot, source.Root ?? "", source.Glob),
        Stac => new StacCatalog(context, source.Url, source.Path, source.Asset),
        Csw => new CswCatalog(context, new Uri(source.Url!), source),
        _ => throw new CatalogException("invalid_source", $"unknown source type '{source.Type}'"),
    };
}
