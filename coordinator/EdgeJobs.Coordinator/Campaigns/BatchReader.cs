using System.Diagnostics;
using System.Text.Json;
using EdgeJobs.Coordinator.Auth;
using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Coordinator.Scheduling;
using EdgeJobs.Protocol.Rest;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Coordinator.Campaigns;

/// <summary>Checks one child job as its batch's submitter's job would be checked at <c>POST /v1/jobs</c>.</summary>
internal delegate Task<(NewJob? Job, ProblemDto? Problem)> PrepareChild(Principal principal, SubmitRequest request);

/// <summary>
/// Reads the pages of parent batches and makes their children. One batch at a time, oldest first: woken by a new
/// batch, and every few seconds for those left unread by a restart. A transient failure (a timeout, a 5xx) is tried
/// again after 1, 2, 4 … times <c>retryBase</c>; anything else, or the last try, fails the batch with the catalog's
/// error, and the campaign's cursor stays where it was.
/// </summary>
internal sealed class BatchReader(JobLedger ledger, CatalogContext context, PrepareChild prepare, Dispatcher dispatcher, TimeSpan retryBase, ILogger logger)
{
    /// <summary>Reads of one page tried in a row when each fails transiently.</summary>
    public const int TransientTries = 4;

    /// <summary>Reads started for one batch, across restarts: a page that brings the coordinator down each time fails instead.</summary>
    public const int MaxReadAttempts = 5;

    /// <summary>How long one read of a page may take.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromMinutes(10);

    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>A batch was submitted: read it now rather than at the next poll.</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // already woken
        }
    }

    public async Task RunAsync(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                foreach (var (batch, campaign) in await ledger.GetUnreadBatchesAsync().ConfigureAwait(false))
                {
                    await ReadAsync(batch, campaign, cancellation).ConfigureAwait(false);
                }

                await _wake.WaitAsync(TimeSpan.FromSeconds(5), cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.BatchPassFailed(e);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellation).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
        }
    }

    private async Task ReadAsync(CampaignBatchRow unread, CampaignRow campaign, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        if (await ledger.StartBatchReadAsync(unread.JobId).ConfigureAwait(false) is not { } batch)
        {
            return;
        }

        if (batch.ReadAttempts > MaxReadAttempts)
        {
            await FailAsync(campaign, batch, new CatalogException("catalog_unreadable", $"its page was started {MaxReadAttempts} times without an end (the coordinator stopped while reading it)")).ConfigureAwait(false);
            return;
        }

        CatalogPage page;
        try
        {
            page = await ReadPageAsync(campaign, batch, cancellation).ConfigureAwait(false);
        }
        catch (CatalogException e)
        {
            await FailAsync(campaign, batch, e).ConfigureAwait(false);
            return;
        }

        var read = clock.ElapsedMilliseconds;
        var (children, count) = await ChildrenAsync(campaign, batch, page).ConfigureAwait(false);
        var checks = clock.ElapsedMilliseconds - read;
        var result = await ledger.SpawnBatchAsync(batch.JobId, children, count, new BatchPage(page.Matched, page.NextStartPosition)).ConfigureAwait(false);
        if (result == SpawnResult.Gone)
        {
            logger.BatchGone(campaign.Id, batch.JobId);
            return;
        }

        dispatcher.Kick();
        logger.BatchSpawned(campaign.Id, batch.JobId, count, batch.StartPosition, page.NextStartPosition?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none: the catalog is exhausted",
            clock.ElapsedMilliseconds, read, checks, clock.ElapsedMilliseconds - read - checks);
    }

    private async Task<CatalogPage> ReadPageAsync(CampaignRow campaign, CampaignBatchRow batch, CancellationToken cancellation)
    {
        var source = CatalogSource.Open(CatalogSourceRules.Read(campaign.Source), campaign.Org, context);
        for (var attempt = 1; ; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(ReadTimeout);
            try
            {
                return await source.ReadAsync(batch.StartPosition, (int)batch.MaxRecords, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                throw new CatalogException("catalog_unreadable", $"reading the page took longer than {ReadTimeout.TotalMinutes:0} minutes");
            }
            catch (CatalogException e) when (e.Transient && attempt < TransientTries)
            {
                var delay = retryBase * (1 << (attempt - 1));
                logger.BatchReadRetrying(campaign.Id, batch.JobId, e.Code, e.Message, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, cancellation).ConfigureAwait(false);
            }
        }
    }

    private async Task FailAsync(CampaignRow campaign, CampaignBatchRow batch, CatalogException e)
    {
        logger.BatchReadFailed(campaign.Id, batch.JobId, e.Code, e.Message);
        await ledger.FailBatchReadAsync(batch.JobId, e.Code, e.Message).ConfigureAwait(false);
    }

    /// <summary>
    /// One child per record, each checked as its submitter's own submit would be: the JSON array SpawnBatchAsync takes. A
    /// record the template cannot make a valid job of becomes a child that failed at once, with the reason.
    /// </summary>
    private async Task<(string Json, int Count)> ChildrenAsync(CampaignRow campaign, CampaignBatchRow batch, CatalogPage page)
    {
        var template = JsonSerializer.Deserialize(campaign.Template, RestJsonContext.Default.CampaignTemplateDto)!;
        var principal = BatchPrincipal.Read(batch.Principal);
        var raw = template.Params ?? RecordPlaceholders.NoParams;
        var rows = new (NewJob? Job, string Params, string? Code, string? Message)[page.Records.Count];
        // The checks of 10,000 children (params, paths on disk, estimates) are most of a batch's time: on every core.
        await Parallel.ForAsync(0, page.Records.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (i, _) =>
        {
            var (json, missing) = RecordPlaceholders.Apply(raw, page.Records[i], batch.StartPosition + i);
            if (json is null)
            {
                rows[i] = (null, raw.GetRawText(), "record_field_missing", missing);
                return;
            }

            using var parsed = JsonDocument.Parse(json);
            var request = new SubmitRequest
            {
                Tool = template.Tool,
                Version = template.Version,
                Params = parsed.RootElement.Clone(),
                Dataset = template.Dataset,
                Priority = template.Priority,
                MaxAttempts = template.MaxAttempts,
                TimeoutS = template.TimeoutS,
                NodeLabels = template.NodeLabels,
            };
            var (job, problem) = await prepare(principal, request).ConfigureAwait(false);
            rows[i] = job is not null ? (job, job.Params, null, null) : (null, json, problem?.ErrorCode ?? "invalid_params", problem?.Detail ?? problem?.Title);
        }).ConfigureAwait(false);

        var children = JsonText.Write(writer =>
        {
            writer.WriteStartArray();
            foreach (var (job, parameters, code, message) in rows)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(job?.Tool ?? template.Tool);
                writer.WriteStringValue(job?.ToolVersion ?? template.Version ?? "");
                writer.WriteStringValue(parameters);
                writer.WriteNumberValue(job?.Priority ?? template.Priority ?? 0);
                writer.WriteStringValue(job?.Owner ?? principal.Name);
                writer.WriteStringValue(job?.Org ?? principal.HomeOrg);
                WriteOrNull(writer, job?.Dataset);
                WriteOrNull(writer, job?.NodeLabels);
                if (job?.MaxAttempts is { } attempts)
                {
                    writer.WriteNumberValue(attempts);
                }
                else
                {
                    writer.WriteNullValue();
                }

                if (job?.TimeoutMs is { } timeout)
                {
                    writer.WriteNumberValue(timeout);
                }
                else
                {
                    writer.WriteNullValue();
                }

                WriteOrNull(writer, code);
                WriteOrNull(writer, message is { Length: > 2000 } ? message[..1999] + "…" : message);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        });
        return (children, rows.Length);
    }

    private static void WriteOrNull(System.Text.Json.Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
