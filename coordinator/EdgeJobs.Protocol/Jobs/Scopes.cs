namespace EdgeJobs.Protocol.Jobs;

/// <summary>Token scopes (README "REST API v1"). <c>jobs:admin</c> implies read and write on everyone's jobs.</summary>
public static class Scopes
{
    public const string JobsRead = "jobs:read";
    public const string JobsWrite = "jobs:write";
    public const string JobsAdmin = "jobs:admin";
    public const string Agent = "agent";

    public static readonly string[] All = [JobsRead, JobsWrite, JobsAdmin, Agent];

    public static bool IsKnown(string scope) => Array.IndexOf(All, scope) >= 0;
}
