using System.Text.Json;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Datasets;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Campaigns;

/// <summary>
/// Missing variants (design §8.4): for each record, the derived outputs a campaign's rules say should exist (an output
/// path made from the record, e.g. <c>derived/{record.stem}_hillshade.tif</c>), looked up where the rule's template
/// writes (its dataset's index, else the data root); for each missing one, the rule's template queued as a job of the
/// caller's, labelled with the campaign. The records are a batch's page, read again from the catalog, or the whole
/// catalog. Queuing goes through the one submit, so a repair asked twice finds the first one's jobs (deduplicated).
/// </summary>
internal sealed class VariantRepair(JobLedger ledger, CatalogContext context, int maxRecords = VariantRepair.DefaultMaxRecords)
{
    /// <summary>Records one repair looks at, at most, by default (a catalog read whole, page by page).</summary>
    public const int DefaultMaxRecords = 100_000;

    /// <summary>Records one repair looks at, at most: a larger catalog is repaired batch by batch.</summary>
    public int MaxRecords { get; } = maxRecords;

    private const int PageRecords = 10_000;

    /// <summary>A variant that does not exist: its record, rule, path, and the template with the record's fields in.</summary>
    public sealed record Missing(CatalogRecord Record, long Position, VariantRuleDto Rule, string Output, SubmitRequest? Job, string? Error);

    /// <summary>The records to check: the batch's page, or the whole catalog from its first record.</summary>
    public async Task<(List<(CatalogRecord Record, long Position)> Records, bool Truncated)> RecordsAsync(CampaignRow campaign, CampaignBatchRow? batch, CancellationToken cancellation)
    {
        var source = CatalogSource.Open(CatalogSourceRules.Read(campaign.Source), campaign.Org, context);
        var records = new List<(CatalogRecord, long)>();
        var position = batch?.StartPosition ?? 1;
        var limit = batch is null ? MaxRecords : (int)(batch.Records ?? batch.MaxRecords);
        while (records.Count < limit)
        {
            var page = await source.ReadAsync(position, Math.Min(PageRecords, limit - records.Count), cancellation).ConfigureAwait(false);
            for (var i = 0; i < page.Records.Count; i++)
            {
                records.Add((page.Records[i], position + i));
            }

            if (page.NextStartPosition is not { } next || page.Records.Count == 0)
            {
                return (records, false);
            }

            position = next;
        }

        return (records, batch is null);
    }

    /// <summary>Every variant of every record that does not exist, in record order then rule order.</summary>
    public async Task<List<Missing>> FindAsync(CampaignRow campaign, IReadOnlyList<VariantRuleDto> rules, IReadOnlyList<(CatalogRecord Record, long Position)> records)
    {
        var missing = new List<Missing>();
        foreach (var (record, position) in records)
        {
            foreach (var rule in rules)
            {
                var (output, error) = RecordPlaceholders.Apply(rule.Output, record, position);
                if (output is null)
                {
                    missing.Add(new Missing(record, position, rule, rule.Output, null, error));
                    continue;
                }

                if (await ExistsAsync(campaign, rule.Template, output).ConfigureAwait(false))
                {
                    continue;
                }

                var (parameters, paramsError) = RecordPlaceholders.Apply(rule.Template.Params ?? RecordPlaceholders.NoParams, record, position);
                if (parameters is null)
                {
                    missing.Add(new Missing(record, position, rule, output, null, paramsError));
                    continue;
                }

                using var parsed = JsonDocument.Parse(parameters);
                missing.Add(new Missing(record, position, rule, output, new SubmitRequest
                {
                    Tool = rule.Template.Tool,
                    Version = rule.Template.Version,
                    Params = parsed.RootElement.Clone(),
                    Dataset = rule.Template.Dataset,
                    Priority = rule.Template.Priority,
                    MaxAttempts = rule.Template.MaxAttempts,
                    TimeoutS = rule.Template.TimeoutS,
                    NodeLabels = rule.Template.NodeLabels,
                    CampaignId = campaign.Num,
                }, null));
            }
        }

        return missing;
    }

    /// <summary>Whether <paramref name="output"/> exists where <paramref name="template"/> writes: its dataset, or the data root.</summary>
    private async Task<bool> ExistsAsync(CampaignRow campaign, CampaignTemplateDto template, string output)
    {
        if (template.Dataset is { } dataset)
        {
            return DatasetNames.TrySplit(dataset, null, out var org, out var name) && await ledger.GetEntryAsync(org, name, output).ConfigureAwait(false) is not null;
        }

        var root = Path.GetFullPath(context.DataRoot);
        var full = Path.GetFullPath(Path.Combine(root, output));
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(full);
    }
}
