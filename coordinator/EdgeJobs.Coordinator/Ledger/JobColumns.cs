namespace EdgeJobs.Coordinator.Ledger;

/// <summary>
/// The columns of <c>jobs</c> (in <see cref="JobRow"/>'s order), named once for every statement that reads whole rows:
/// the mapped queries (<c>SELECT {List} FROM jobs</c>) and the writer's native statements, which read them by
/// position (<see cref="HotStatements"/>' Map). JobColumnsTests fails when this list and the table disagree,
/// or when the two ways of reading a row into a <see cref="JobRow"/> do.
/// </summary>
internal static class JobColumns
{
    public const string List = """
        id, tool, tool_version, state, params, priority, owner, attempt, max_attempts, timeout_ms, timed_out, fence,
        lease_node_id, lease_expires_at, not_before, node_id, progress_percent, progress_phase,
        error_code, error_message, error_retryable, event_seq, log_seq, log_first_seq, log_agent_fence, log_agent_seq,
        created_at, updated_at, started_at, attempt_started_at, finished_at, campaign_id, parent_id, dedup_key, org,
        dataset, node_labels, step_id, workspace, project, cpu_ms
        """;
}
