using System.Text.Json;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Api;

/// <summary>Campaign rows and counters as the API answers them.</summary>
internal static class CampaignMapper
{
    private static readonly JobState[] s_states = [.. Enum.GetValues<JobState>().Order()];

    public static CampaignDto ToDto(CampaignRow campaign, IReadOnlyList<CampaignChildCount> counts, CampaignBatchRow? latest, JobRow? latestJob)
    {
        var children = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var state in s_states)
        {
            children[state.Name()] = 0;
        }

        var ended = 0L;
        foreach (var count in counts)
        {
            var state = (JobState)count.State;
            children[state.Name()] = count.N;
            ended += state.IsTerminal() ? count.N : 0;
        }

        var of = campaign.TotalChildrenHint ?? campaign.TotalChildren;
        return new CampaignDto
        {
            Id = campaign.Id,
            Title = campaign.Title,
            Org = campaign.Org,
            Owner = campaign.Owner,
            Public = campaign.Public != 0,
            Source = Parse(campaign.Source),
            Template = Parse(campaign.Template),
            Variants = campaign.Variants is { } variants ? Parse(variants) : null,
            CampaignTotalChildren = campaign.TotalChildrenHint,
            TotalChildren = campaign.TotalChildren,
            Children = children,
            Percent = of <= 0 ? 0 : Math.Min(100, Math.Round(100.0 * ended / of, 2)),
            Batches = campaign.Batches,
            ActiveBatch = campaign.ActiveBatch,
            LatestBatch = latest is null ? null : ToDto(latest, latestJob),
            NextStartPosition = campaign.NextStartPosition,
            Exhausted = campaign.NextStartPosition is null,
            CreatedAt = JobMapper.Time(campaign.CreatedAt),
            FirstActivityAt = campaign.FirstActivityAt is { } first ? JobMapper.Time(first) : null,
            LastActivityAt = Latest(campaign.LastActivityAt, counts) is { } last ? JobMapper.Time(last) : null,
        };
    }

    public static BatchDto ToDto(CampaignBatchRow batch, JobRow? job) => new()
    {
        JobId = batch.JobId,
        Status = job?.JobState.Name(),
        StartPosition = batch.StartPosition,
        MaxRecords = batch.MaxRecords,
        Records = batch.Records,
        Matched = batch.Matched,
        NextStartPosition = batch.NextStartPosition,
        ChildrenEnded = batch.EndedChildren,
        ChildrenCompleted = batch.CompletedChildren,
        Forced = batch.Forced != 0,
        ReadAttempts = batch.ReadAttempts,
        CreatedAt = JobMapper.Time(batch.CreatedAt),
        SpawnedAt = batch.SpawnedAt is { } spawned ? JobMapper.Time(spawned) : null,
    };

    /// <summary>The campaign's last activity: its own last change, or its children's newest.</summary>
    private static long? Latest(long? own, IReadOnlyList<CampaignChildCount> counts) =>
        counts.Count == 0 ? own : Math.Max(own ?? 0, counts.Max(c => c.At));

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
