namespace EdgeJobs.Protocol.Link;

public static class LinkProtocol
{
    /// <summary>Bumped on an incompatible change; a coordinator refuses agents with another version.</summary>
    public const int Version = 1;

    /// <summary>The largest frame either side accepts; a larger length prefix closes the connection.</summary>
    public const int MaxFrameBytes = 4 << 20;

    /// <summary>Artifact bytes per chunk frame: large enough to stream fast, far below the frame limit.</summary>
    public const int ArtifactChunkBytes = 64 << 10;

    /// <summary>How long a new connection has to send its Hello.</summary>
    public static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);
}
