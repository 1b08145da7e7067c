namespace EdgeJobs.Agent.Tools;

/// <summary>What a running tool gets: its params, places to work, and sinks for progress and log lines.</summary>
public sealed class ToolContext(long jobId, int attempt, string paramsJson, string workDir, string dataRoot, Action<double, string?> progress, Action<string> log, CancellationToken cancellation)
{
    /// <summary>The file set by <see cref="SetArtifact"/>, and the name it is downloaded under.</summary>
    internal (string Path, string FileName)? Artifact { get; private set; }

    public long JobId { get; } = jobId;

    public int Attempt { get; } = attempt;

    /// <summary>Canonical params JSON, valid for the tool's params type.</summary>
    public string ParamsJson { get; } = paramsJson;

    private bool _workDirCreated;

    /// <summary>A directory of this attempt's own, removed afterwards; created when first asked for (most diagnostics never need one).</summary>
    public string WorkDir
    {
        get
        {
            if (!_workDirCreated)
            {
                Directory.CreateDirectory(workDir);
                _workDirCreated = true;
            }

            return workDir;
        }
    }

    /// <summary>Whether the tool asked for its work dir (so there is one to remove).</summary>
    internal bool HasWorkDir => _workDirCreated;

    public string DataRoot { get; } = dataRoot;

    /// <summary>For a job on a dataset: where its inputs are read. Its output goes back as the artifact, and the coordinator puts it in the dataset.</summary>
    public DatasetInputs? Dataset { get; init; }

    /// <summary>For a recipe's step job: the earlier steps' artifacts its params may name (<c>"step:ID.output"</c>).</summary>
    public StepInputs? StepInputs { get; init; }

    /// <summary>For dataset tools on the agent in the coordinator's process: the datasets themselves; null elsewhere.</summary>
    public IDatasetAccess? DatasetAccess { get; init; }

    /// <summary>The lease this attempt runs under (its writes to a dataset are fenced by it).</summary>
    public long Fence { get; init; }

    /// <summary>Threads a raster tool may compute and compress on (the agent's --raster-threads).</summary>
    public int RasterThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>Fires on a stop request or a lost lease; tools check it at least once per block.</summary>
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Percent 0-100 and a phase name. Cheap: the agent sends the latest with each heartbeat, and at once on a phase change.</summary>
    public void ReportProgress(double percent, string? phase) => progress(percent, phase);

    public void Log(string line) => log(line);

    /// <summary>The outputs this attempt declared; the runner shares them with the lease's heartbeats.</summary>
    internal ToolOutputs Outputs { get; init; } = new();

    /// <summary>
    /// Declares an output the tool writes at <paramref name="path"/>, reported as <paramref name="name"/> in the
    /// job's progress from now on (its bytes and files read from the file at each heartbeat, and once more when
    /// the tool ends). Name it as its artifact will be offered, so the key never changes during the run.
    /// </summary>
    public ToolOutput TrackOutput(string path, string name) => Outputs.Add(name, path);

    /// <summary>
    /// Makes a file in <see cref="WorkDir"/> the job's artifact. After the tool succeeds, it is streamed
    /// to the coordinator, verified there by SHA-256, and offered for download as <paramref name="fileName"/>.
    /// </summary>
    public void SetArtifact(string path, string fileName)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!full.StartsWith(System.IO.Path.GetFullPath(WorkDir) + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException("an artifact must be written inside the job's work dir", nameof(path));
        }

        Artifact = (full, fileName);
    }
}
