using Dapper;

namespace EdgeJobs.Coordinator.Ledger;

// A recipe job's on_exit webhook (design §8.3): due in the transaction that ends the job, then delivered by
// Recipes/ExitWebhooks with bounded retries. Kept in the ledger so a restart neither loses a due call nor repeats a
// delivered one.
public sealed partial class JobLedger
{
    public const int WebhookDue = 1;
    public const int WebhookDelivered = 2;
    public const int WebhookGaveUp = 3;

    /// <summary>Webhooks whose time has come, oldest first.</summary>
    public async Task<IReadOnlyList<JobRecipeRow>> DueWebhooksAsync(int max = 50)
    {
        await using var c = OpenReader();
        return c.Query<JobRecipeRow>("""
            SELECT * FROM job_recipes WHERE on_exit_status = @Due AND on_exit_due_at <= @Now ORDER BY on_exit_due_at LIMIT @Max
            """, new { Due = WebhookDue, Now = Now(), Max = max }).ToRowList();
    }

    /// <summary>Records a delivery attempt: delivered, due again at <paramref name="retryAt"/>, or given up (null retry).</summary>
    [CacheCommand(false)] // the error quotes the receiver's reason phrase, of any length
    public Task RecordWebhookAttemptAsync(long jobId, bool delivered, string? error, long? retryAt) => WriteAsync(c => c.Execute("""
        UPDATE job_recipes SET on_exit_attempts = on_exit_attempts + 1, on_exit_error = @Error,
          on_exit_status = @Status, on_exit_due_at = @RetryAt
        WHERE job_id = @JobId AND on_exit_status = @Due
        """, new { JobId = jobId, Error = error, Status = delivered ? WebhookDelivered : retryAt is null ? WebhookGaveUp : WebhookDue, RetryAt = delivered ? null : retryAt, Due = WebhookDue }));
}
