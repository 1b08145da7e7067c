using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace EdgeJobs.Coordinator.Campaigns;

/// <summary>
/// A STAC catalog's items as records, in link order: a static catalog or collection is walked depth-first through its
/// <c>child</c> and <c>item</c> links (each document once, by URL: ids repeat across collections), an ItemCollection
/// page by its features and then its <c>next</c> link (GET, or POST with the link's body as STAC APIs page searches).
/// Documents are files of the data root or HTTP(S) URLs of allowed hosts; relative links resolve against the document's
/// own URL, and <c>self</c> links are never followed (they often point where the catalog was first published).
/// </summary>
internal sealed class StacCatalog(CatalogContext context, string? url, string? path, string? asset) : CatalogSource
{
    /// <summary>Documents read for one page at most: a catalog that links in circles or without end stops here.</summary>
    public const int MaxDocuments = 100_000;

    private sealed record Pending(Uri Url, string? PostBody);

    public override async Task<CatalogPage> ReadAsync(long startPosition, int maxRecords, CancellationToken cancellation)
    {
        var start = url is not null ? new Uri(url) : new Uri(Path.GetFullPath(Path.Combine(context.DataRoot, path!)));
        var pending = new Stack<Pending>();
        pending.Push(new Pending(start, null));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var records = new List<CatalogRecord>(Math.Min(maxRecords, 10_000));
        var position = 0L;
        var documents = 0;
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next.Url.AbsoluteUri + "\n" + next.PostBody))
            {
                continue;
            }

            if (++documents > MaxDocuments)
            {
                throw new CatalogException("catalog_too_large", $"more than {MaxDocuments} documents were read for one page, from {start}");
            }

            using var body = next.PostBody is null ? null : new StringContent(next.PostBody, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
            var bytes = await CatalogDocuments.ReadAsync(context, next.Url, body, cancellation).ConfigureAwait(false);
            using var document = CatalogDocuments.ParseJson(bytes, next.Url);
            var root = document.RootElement;
            var type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var items = new List<JsonElement>();
            var links = new List<Pending>();
            switch (type)
            {
                case "Feature":
                    items.Add(root);
                    break;
                case "FeatureCollection":
                    if (!root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
                    {
                        throw new CatalogException("catalog_invalid", $"{next.Url}: an ItemCollection without a features array");
                    }

                    items.AddRange(features.EnumerateArray());
                    links.AddRange(Links(root, next.Url, "next"));
                    break;
                case "Catalog" or "Collection":
                    links.AddRange(Links(root, next.Url, "child", "item"));
                    break;
                default:
                    throw new CatalogException("catalog_invalid", $"{next.Url}: not a STAC Catalog, Collection, Item or ItemCollection (type '{type}')");
            }

            foreach (var item in items)
            {
                position++;
                if (position < startPosition)
                {
                    continue;
                }

                if (records.Count == maxRecords)
                {
                    return new CatalogPage(records, null, startPosition + records.Count);
                }

                records.Add(Record(item, next.Url));
            }

            // Depth-first in link order: the first link is read next.
            for (var i = links.Count - 1; i >= 0; i--)
            {
                pending.Push(links[i]);
            }

            if (records.Count == maxRecords && pending.Count > 0)
            {
                // More documents remain: the next batch starts after this one (it finds none if they hold no items).
                return new CatalogPage(records, null, startPosition + records.Count);
            }
        }

        return new CatalogPage(records, position, null);
    }

    private static IEnumerable<Pending> Links(JsonElement document, Uri baseUrl, params string[] rels)
    {
        if (!document.TryGetProperty("links", out var links) || links.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var link in links.EnumerateArray())
        {
            if (link.ValueKind != JsonValueKind.Object || !link.TryGetProperty("rel", out var rel) || rel.ValueKind != JsonValueKind.String
                || Array.IndexOf(rels, rel.GetString()) < 0 || !link.TryGetProperty("href", out var href) || href.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            if (!Uri.TryCreate(baseUrl, href.GetString(), out var target))
            {
                throw new CatalogException("catalog_invalid", $"{baseUrl}: link '{href.GetString()}' is not a URL");
            }

            var post = link.TryGetProperty("method", out var method) && method.ValueKind == JsonValueKind.String
                && string.Equals(method.GetString(), "POST", StringComparison.OrdinalIgnoreCase);
            yield return new Pending(target, post ? (link.TryGetProperty("body", out var body) ? body.GetRawText() : "{}") : null);
        }
    }

    private CatalogRecord Record(JsonElement item, Uri itemUrl)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 } itemId)
        {
            throw new CatalogException("catalog_invalid", $"{itemUrl}: an item without an id");
        }

        var title = item.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
            && properties.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        string? href = null;
        string? localPath = null;
        if (AssetHref(item) is { } raw && Uri.TryCreate(itemUrl, raw, out var resolved))
        {
            href = resolved.AbsoluteUri;
            if (resolved.IsFile)
            {
                var root = Path.GetFullPath(context.DataRoot).TrimEnd('/') + "/";
                var full = Path.GetFullPath(resolved.LocalPath);
                localPath = full.StartsWith(root, StringComparison.Ordinal) ? full[root.Length..] : null;
            }
        }

        return new CatalogRecord(itemId, localPath, href, title);
    }

    /// <summary>The named asset's href; without a name, the first asset with role data, else the first asset.</summary>
    private string? AssetHref(JsonElement item)
    {
        if (!item.TryGetProperty("assets", out var assets) || assets.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        JsonElement? chosen = null;
        foreach (var property in assets.EnumerateObject())
        {
            if (asset is not null)
            {
                if (property.NameEquals(asset))
                {
                    chosen = property.Value;
                    break;
                }

                continue;
            }

            chosen ??= property.Value;
            if (property.Value.ValueKind == JsonValueKind.Object && property.Value.TryGetProperty("roles", out var roles) && roles.ValueKind == JsonValueKind.Array
                && roles.EnumerateArray().Any(r => r.ValueKind == JsonValueKind.String && r.GetString() == "data"))
            {
                chosen = property.Value;
                break;
            }
        }

        return chosen is { ValueKind: JsonValueKind.Object } a && a.TryGetProperty("href", out var href) && href.ValueKind == JsonValueKind.String ? href.GetString() : null;
    }
}
