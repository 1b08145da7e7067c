using EdgeJobs.Coordinator.Ledger;
using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Facades.Met;

/// <summary>
/// Design §3's states in seed 000's words: <c>queued, running, cancelling, completed, failed, cancelled, partial</c>.
/// <see cref="Of"/> and <see cref="States"/> are one table read two ways (a status, and the list filter's states).
/// </summary>
public static class MetStates
{
    public static readonly IReadOnlyList<string> Names = ["queued", "running", "cancelling", "completed", "failed", "cancelled", "partial"];

    /// <summary>The statuses <c>POST /met/jobs/cleanup</c> takes: the terminal ones.</summary>
    public static readonly IReadOnlyList<string> Terminal = ["completed", "failed", "cancelled", "partial"];

    public static string Of(JobState state) => state switch
    {
        JobState.Scheduled or JobState.Held => "queued",
        JobState.Running => "running",
        JobState.StopRequested or JobState.Stopping => "cancelling",
        JobState.Completed => "completed",
        JobState.Failed => "failed",
        JobState.Stopped => "cancelled",
        JobState.Partial => "partial",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "not a job state"),
    };

    /// <summary>The job states a MET status names; null for a name that is none.</summary>
    public static JobState[]? States(string name) =>
        Enum.GetValues<JobState>().Where(s => Of(s) == name).ToArray() is { Length: > 0 } states ? states : null;
}

/// <summary>Which MET route submits which tool: a job's <c>job_type</c>.</summary>
public static class MetJobTypes
{
    public const string NcToGeotiff = "nc-to-geotiff";
    public const string MergeTerrain = "merge-terrain";
    public const string MagoTerrain = "mago-terrain";
    public const string RepairCswMetadata = "repair-csw-metadata";
    public const string HyspexCswParent = "hyspex-csw-parent";

    /// <summary>The exec tool (agent/tools.d/examples/mago3d-terrainer.json) behind <c>mago-terrain</c>.</summary>
    public const string MagoTool = "mago3d-terrain";

    /// <summary>The exec tool (agent/tools.d/examples/repair-csw-metadata.json) behind <c>repair-csw-metadata</c>.</summary>
    public const string RepairCswTool = "repair-csw-metadata";

    private static readonly (string Type, string Tool)[] s_table =
    [
        (NcToGeotiff, "nc-to-geotiff"),
        (MergeTerrain, "merge-terrain"),
        (MagoTerrain, MagoTool),
        (RepairCswMetadata, RepairCswTool),
        (HyspexCswParent, JobRow.CampaignBatchTool),
    ];

    public static string Of(string tool) => s_table.FirstOrDefault(t => t.Tool == tool).Type ?? tool;

    public static string ToolOf(string jobType) => s_table.FirstOrDefault(t => t.Type == jobType).Tool ?? jobType;
}
