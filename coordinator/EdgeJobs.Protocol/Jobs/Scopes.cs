namespace EdgeJobs.Protocol.Jobs;

/// <summary>
/// Token scopes (README "REST API v1"). <c>jobs:admin</c> implies read and write on everyone's jobs and on
/// the datasets of its org (a global admin's: every org's).
/// </summary>
public static class Scopes
{
    public const string JobsRead = "jobs:read";
    public const string JobsWrite = "jobs:write";
    public const string JobsAdmin = "jobs:admin";
    public const string Agent = "agent";
    public const string DatasetsRead = "datasets:read";
    public const string DatasetsWrite = "datasets:write";

    // Seed 002's operation scopes (design §8.7): reading processes and jobs, running them (spends credits), reading
    // a job's tiles, deleting jobs.
    public const string ProcessingRead = "processing:read";
    public const string ProcessingProcess = "processing:process";
    public const string ClipRead = "clip:read";
    public const string ClipDestroy = "clip:destroy";

    public static readonly string[] All = [JobsRead, JobsWrite, JobsAdmin, Agent, DatasetsRead, DatasetsWrite, ProcessingRead, ProcessingProcess, ClipRead, ClipDestroy];

    public static bool IsKnown(string scope) => Array.IndexOf(All, scope) >= 0;
}
