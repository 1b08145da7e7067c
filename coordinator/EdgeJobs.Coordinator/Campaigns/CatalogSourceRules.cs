using System.Text.Json;
using EdgeJobs.Catalog.Paths;
using EdgeJobs.Protocol.Datasets;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Campaigns;

/// <summary>The checks on a campaign's <c>source</c>: each type's own fields, and nothing else, well formed.</summary>
internal static class CatalogSourceRules
{
    private static readonly string[] Types = [CatalogSource.Dataset, CatalogSource.DataRoot, CatalogSource.Stac, CatalogSource.Csw];

    /// <summary>The violations of <paramref name="source"/>; hosts are checked against <paramref name="allowedHosts"/>.</summary>
    public static List<ViolationDto> Check(CampaignSourceDto source, IReadOnlyList<string> allowedHosts)
    {
        var violations = new List<ViolationDto>();
        if (Array.IndexOf(Types, source.Type) < 0)
        {
            violations.Add(new ViolationDto("$.source.type", $"must be one of {string.Join(", ", Types)}"));
            return violations;
        }

        var allowed = source.Type switch
        {
            CatalogSource.Dataset => new[] { "dataset", "glob" },
            CatalogSource.DataRoot => ["root", "glob"],
            CatalogSource.Stac => ["url", "path", "asset"],
            _ => ["url", "type_names", "output_schema", "element_set", "constraint", "sort_by", "method"],
        };
        foreach (var (field, value) in Fields(source))
        {
            if (value is not null && Array.IndexOf(allowed, field) < 0)
            {
                violations.Add(new ViolationDto("$.source." + field, $"is not a field of a {source.Type} source (its fields: type, {string.Join(", ", allowed)})"));
            }
        }

        if (source.Glob is { } glob && PathGlob.Check(glob) is { } globProblem)
        {
            violations.Add(new ViolationDto("$.source.glob", globProblem));
        }

        switch (source.Type)
        {
            case CatalogSource.Dataset:
                if (source.Dataset is not { } dataset)
                {
                    violations.Add(new ViolationDto("$.source.dataset", "is required: org/name, or the name of a dataset of the campaign's org"));
                }
                else if (dataset.Split('/') is var parts && (parts.Length > 2 || !parts.All(DatasetNames.IsValid)))
                {
                    violations.Add(new ViolationDto("$.source.dataset", "must be org/name or name, each " + DatasetNames.Rule));
                }

                break;
            case CatalogSource.DataRoot:
                if (source.Root is { } root && root is not ("" or ".") && DataRootPaths.Check(root) is { } rootProblem)
                {
                    violations.Add(new ViolationDto("$.source.root", rootProblem));
                }

                break;
            case CatalogSource.Stac:
                if ((source.Url is null) == (source.Path is null))
                {
                    violations.Add(new ViolationDto("$.source.url", "give url (HTTP) or path (a file of the data root), one of them"));
                }
                else if (source.Path is { } path && DataRootPaths.Check(path) is { } pathProblem)
                {
                    violations.Add(new ViolationDto("$.source.path", pathProblem));
                }
                else if (source.Url is { } stacUrl)
                {
                    CheckUrl(stacUrl, allowedHosts, violations);
                }

                break;
            case CatalogSource.Csw:
                if (source.Url is not { } cswUrl)
                {
                    violations.Add(new ViolationDto("$.source.url", "is required: the CSW endpoint"));
                }
                else
                {
                    CheckUrl(cswUrl, allowedHosts, violations);
                }

                if (source.TypeNames is not (null or "csw:Record" or "gmd:MD_Metadata"))
                {
                    violations.Add(new ViolationDto("$.source.type_names", "must be csw:Record (Dublin Core) or gmd:MD_Metadata (ISO 19139)"));
                }

                if (source.ElementSet is not (null or "brief" or "summary" or "full"))
                {
                    violations.Add(new ViolationDto("$.source.element_set", "must be brief, summary or full"));
                }

                if (source.Method is not (null or "get" or "post"))
                {
                    violations.Add(new ViolationDto("$.source.method", "must be get or post"));
                }

                if (source.OutputSchema is { } schema && !Uri.TryCreate(schema, UriKind.Absolute, out _))
                {
                    violations.Add(new ViolationDto("$.source.output_schema", "must be a namespace URI, e.g. http://www.isotc211.org/2005/gmd"));
                }

                foreach (var (field, text) in new[] { ("constraint", source.Constraint), ("sort_by", source.SortBy) })
                {
                    if (text is { } t && (t.Length is 0 or > 4000 || t.Any(char.IsControl)))
                    {
                        violations.Add(new ViolationDto("$.source." + field, "must be 1-4000 characters without control characters"));
                    }
                }

                break;
        }

        return violations;
    }

    private static void CheckUrl(string raw, IReadOnlyList<string> allowedHosts, List<ViolationDto> violations)
    {
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.UserInfo.Length > 0 || url.Fragment.Length > 0)
        {
            violations.Add(new ViolationDto("$.source.url", "must be an http:// or https:// URL without credentials or fragment"));
        }
        else if (!allowedHosts.Contains(url.Host, StringComparer.OrdinalIgnoreCase))
        {
            violations.Add(new ViolationDto("$.source.url", allowedHosts.Count == 0
                ? "catalogs over HTTP are off: the coordinator reads only hosts named by --catalog-allow, and none is"
                : $"host '{url.Host}' is not one the coordinator may read (--catalog-allow: {string.Join(", ", allowedHosts)})"));
        }
    }

    private static IEnumerable<(string Field, string? Value)> Fields(CampaignSourceDto s) =>
    [
        ("dataset", s.Dataset), ("root", s.Root), ("glob", s.Glob), ("url", s.Url), ("path", s.Path), ("asset", s.Asset),
        ("type_names", s.TypeNames), ("output_schema", s.OutputSchema), ("element_set", s.ElementSet), ("constraint", s.Constraint),
        ("sort_by", s.SortBy), ("method", s.Method),
    ];

    /// <summary>The source as stored: its fields in a fixed order, nulls left out.</summary>
    public static string Canonical(CampaignSourceDto source) => JsonText.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("type", source.Type);
        foreach (var (field, value) in Fields(source))
        {
            if (value is not null)
            {
                writer.WriteString(field, value);
            }
        }

        writer.WriteEndObject();
    });

    public static CampaignSourceDto Read(string canonical) => JsonSerializer.Deserialize(canonical, RestJsonContext.Default.CampaignSourceDto)!;
}
