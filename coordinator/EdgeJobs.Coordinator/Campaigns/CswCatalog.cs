using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Campaigns;

/// <summary>
/// An OGC CSW 2.0.2 catalog's records, read with <c>GetRecords</c> (<c>resultType=results</c>) from
/// <c>startPosition</c>: key-value pairs by GET, or an XML body by POST. A server that returns fewer records than
/// asked (its own page limit) is asked again from its <c>nextRecord</c> until the batch is full; <c>nextRecord</c> 0
/// ends the catalog. Dublin Core records (<c>csw:Record</c>, summary and brief ones too) give dc:identifier, dc:title
/// and the first dct:references or dc:URI; ISO 19139 records (<c>gmd:MD_Metadata</c>) give gmd:fileIdentifier, the
/// citation's title and the first online resource's linkage.
/// </summary>
internal sealed class CswCatalog(CatalogContext context, Uri endpoint, CampaignSourceDto source) : CatalogSource
{
    private static readonly XNamespace CswNs = "http://www.opengis.net/cat/csw/2.0.2";
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";
    private static readonly XNamespace Dct = "http://purl.org/dc/terms/";
    private static readonly XNamespace Gmd = "http://www.isotc211.org/2005/gmd";
    private static readonly XNamespace Gco = "http://www.isotc211.org/2005/gco";
    private static readonly XNamespace Ows = "http://www.opengis.net/ows";

    private string TypeNames => source.TypeNames ?? "csw:Record";

    private string OutputSchema => source.OutputSchema ?? (TypeNames == "gmd:MD_Metadata" ? Gmd.NamespaceName : CswNs.NamespaceName);

    private bool Post => string.Equals(source.Method, "post", StringComparison.OrdinalIgnoreCase);

    /// <summary>Requests for one page at most: a server that keeps answering one record at a time stops here.</summary>
    public const int MaxRequests = 1000;

    public override async Task<CatalogPage> ReadAsync(long startPosition, int maxRecords, CancellationToken cancellation)
    {
        var records = new List<CatalogRecord>(Math.Min(maxRecords, 10_000));
        var position = startPosition;
        long? matched = null;
        for (var request = 0; request < MaxRequests; request++)
        {
            var (page, pageMatched, nextRecord) = await GetRecordsAsync(position, maxRecords - records.Count, cancellation).ConfigureAwait(false);
            matched = pageMatched ?? matched;
            var take = Math.Min(page.Count, maxRecords - records.Count);
            records.AddRange(page.Take(take));
            if (take < page.Count)
            {
                return new CatalogPage(records, matched, position + take); // the server gave more than asked
            }

            // nextRecord 0 (or past the matches, or no progress) ends the catalog.
            if (nextRecord is null or <= 0 || page.Count == 0 || (matched is { } m && nextRecord > m) || nextRecord <= position)
            {
                return new CatalogPage(records, matched, null);
            }

            position = nextRecord.Value;
            if (records.Count == maxRecords)
            {
                return new CatalogPage(records, matched, position);
            }
        }

        throw new CatalogException("catalog_too_large", $"{endpoint} needed more than {MaxRequests} GetRecords requests for one page");
    }

    private async Task<(List<CatalogRecord> Records, long? Matched, long? NextRecord)> GetRecordsAsync(long start, int max, CancellationToken cancellation)
    {
        byte[] bytes;
        if (Post)
        {
            using var body = new StringContent(PostBody(start, max), Encoding.UTF8, new MediaTypeHeaderValue("application/xml"));
            bytes = await CatalogDocuments.ReadAsync(context, endpoint, body, cancellation).ConfigureAwait(false);
        }
        else
        {
            bytes = await CatalogDocuments.ReadAsync(context, new Uri(endpoint, GetQuery(start, max)), null, cancellation).ConfigureAwait(false);
        }

        XDocument document;
        try
        {
            using var stream = new MemoryStream(bytes);
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            document = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new CatalogException("catalog_invalid", $"{endpoint} answered XML that does not parse: {e.Message}");
        }

        if (document.Root?.Name == Ows + "ExceptionReport")
        {
            var exception = document.Root.Element(Ows + "Exception");
            throw new CatalogException("catalog_refused", $"{endpoint} answered an exception: {exception?.Attribute("exceptionCode")?.Value} "
                + $"{exception?.Attribute("locator")?.Value}: {exception?.Element(Ows + "ExceptionText")?.Value.Trim()}");
        }

        var results = (document.Root?.Name == CswNs + "GetRecordsResponse" ? document.Root.Element(CswNs + "SearchResults") : null)
            ?? throw new CatalogException("catalog_invalid", $"{endpoint} answered {document.Root?.Name.LocalName ?? "nothing"}, not a csw:GetRecordsResponse with csw:SearchResults");
        var records = results.Elements().Select(Record).ToList();
        return (records, Number(results, "numberOfRecordsMatched"), Number(results, "nextRecord"));
    }

    private static long? Number(XElement element, string attribute) =>
        long.TryParse(element.Attribute(attribute)?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    private CatalogRecord Record(XElement record)
    {
        if (record.Name == Gmd + "MD_Metadata")
        {
            var id = record.Element(Gmd + "fileIdentifier")?.Element(Gco + "CharacterString")?.Value.Trim();
            var title = record.Element(Gmd + "identificationInfo")?.Descendants(Gmd + "citation").Elements(Gmd + "CI_Citation")
                .Elements(Gmd + "title").Elements(Gco + "CharacterString").FirstOrDefault()?.Value.Trim();
            var href = record.Element(Gmd + "distributionInfo")?.Descendants(Gmd + "linkage").Elements(Gmd + "URL").FirstOrDefault()?.Value.Trim();
            return new CatalogRecord(Required(id), null, href, title);
        }

        var identifier = record.Element(Dc + "identifier")?.Value.Trim();
        var link = record.Elements(Dct + "references").Concat(record.Elements(Dc + "URI")).FirstOrDefault()?.Value.Trim();
        return new CatalogRecord(Required(identifier), null, link is { Length: > 0 } ? link : null, record.Element(Dc + "title")?.Value.Trim());

        string Required(string? value) => value is { Length: > 0 }
            ? value
            : throw new CatalogException("catalog_invalid", $"{endpoint}: a {record.Name.LocalName} record without an identifier");
    }

    private string GetQuery(long start, int max)
    {
        var query = new StringBuilder(endpoint.Query.Length > 1 ? endpoint.Query[1..] + "&" : "");
        Add("service", "CSW");
        Add("version", "2.0.2");
        Add("request", "GetRecords");
        Add("typenames", TypeNames);
        if (TypeNames.StartsWith("gmd:", StringComparison.Ordinal))
        {
            Add("namespace", $"xmlns(gmd={Gmd.NamespaceName})");
        }

        Add("outputschema", OutputSchema);
        Add("elementsetname", source.ElementSet ?? "full");
        Add("resulttype", "results");
        if (source.Constraint is { } constraint)
        {
            Add("constraintlanguage", "CQL_TEXT");
            Add("constraint_language_version", "1.1.0");
            Add("constraint", constraint);
        }

        if (source.SortBy is { } sortBy)
        {
            Add("sortby", sortBy);
        }

        Add("maxRecords", max.ToString(CultureInfo.InvariantCulture));
        Add("startPosition", start.ToString(CultureInfo.InvariantCulture));
        return "?" + query.ToString().TrimEnd('&');

        void Add(string key, string value) => query.Append(key).Append('=').Append(Uri.EscapeDataString(value)).Append('&');
    }

    private string PostBody(long start, int max)
    {
        var query = new XElement(CswNs + "Query", new XAttribute("typeNames", TypeNames), new XElement(CswNs + "ElementSetName", source.ElementSet ?? "full"));
        if (source.Constraint is { } constraint)
        {
            query.Add(new XElement(CswNs + "Constraint", new XAttribute("version", "1.1.0"), new XElement(CswNs + "CqlText", constraint)));
        }

        if (source.SortBy is { } sortBy)
        {
            XNamespace ogc = "http://www.opengis.net/ogc";
            var sort = new XElement(ogc + "SortBy");
            foreach (var key in sortBy.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parts = key.Split(':');
                var descending = parts.Length >= 2 && parts[^1] is "D" or "A" && parts[^1] == "D";
                var name = parts.Length >= 2 && parts[^1] is "D" or "A" ? string.Join(':', parts[..^1]) : key;
                sort.Add(new XElement(ogc + "SortProperty", new XElement(ogc + "PropertyName", name), new XElement(ogc + "SortOrder", descending ? "DESC" : "ASC")));
            }

            query.Add(sort);
        }

        var request = new XElement(CswNs + "GetRecords",
            new XAttribute(XNamespace.Xmlns + "csw", CswNs.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "gmd", Gmd.NamespaceName),
            new XAttribute("service", "CSW"), new XAttribute("version", "2.0.2"), new XAttribute("resultType", "results"),
            new XAttribute("startPosition", start), new XAttribute("maxRecords", max), new XAttribute("outputFormat", "application/xml"),
            new XAttribute("outputSchema", OutputSchema), query);
        return new XDocument(new XDeclaration("1.0", "UTF-8", null), request).ToString(SaveOptions.DisableFormatting);
    }
}
