namespace EdgeJobs.Agent.Tools;

/// <summary>A tool the agent can run. The params are already checked by the coordinator against the catalog type.</summary>
public interface IAgentTool
{
    string Id { get; }

    string Version { get; }

    /// <summary>
    /// Runs one attempt. Returns normally on success; throws <see cref="ToolFailure"/> for an expected
    /// failure, and <see cref="OperationCanceledException"/> when <see cref="ToolContext.Cancellation"/> fires.
    /// Anything else is reported as a retryable internal error.
    /// </summary>
    Task RunAsync(ToolContext context);
}

/// <summary>An expected failure of a tool, with a stable code; fatal ones are never retried.</summary>
public sealed class ToolFailure(string code, string message, bool retryable) : Exception(message)
{
    public string Code { get; } = code;

    public bool Retryable { get; } = retryable;
}
