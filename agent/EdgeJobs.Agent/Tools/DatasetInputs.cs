using EdgeJobs.Protocol.Datasets;

namespace EdgeJobs.Agent.Tools;

/// <summary>
/// Where a job on a dataset reads its inputs: the agent's mount of the coordinator's datasets
/// (<c>--datasets-dir</c>), or — without one — GDAL's <c>/vsicurl/</c> on the grant's URL, which carries a token valid
/// only for this job's inputs while its lease holds. GDAL reads a COG through it with Range requests, so only the
/// blocks a tool needs cross the network.
/// </summary>
public sealed class DatasetInputs
{
    private readonly string? _mountedDir;
    private readonly string? _inputUrl;

    /// <param name="dataset"><c>org/name</c>.</param>
    /// <param name="datasetsDir">The agent's mount of the coordinator's <c>DATA_DIR/datasets</c>; null to read over HTTP.</param>
    /// <param name="inputUrl">The grant's input URL (ends in '/'); used when <paramref name="datasetsDir"/> is null.</param>
    public DatasetInputs(string dataset, string? datasetsDir, string? inputUrl)
    {
        Dataset = dataset;
        if (datasetsDir is not null && inputUrl is null)
        {
            _mountedDir = Path.Combine(datasetsDir, dataset);
        }
        else
        {
            _inputUrl = inputUrl ?? throw new ArgumentException("a job on a dataset needs the datasets mounted or an input URL", nameof(inputUrl));
        }
    }

    /// <summary><c>org/name</c> of the dataset.</summary>
    public string Dataset { get; }

    /// <summary>
    /// Inputs read over HTTP up to this size are first downloaded whole into the job's work dir and read from there;
    /// larger ones, or when the disk is short, are read in place through <c>/vsicurl/</c> (see <see cref="HttpInputs"/>).
    /// </summary>
    public long DownloadUpToBytes { get; init; } = AgentOptions.DefaultDownloadInputsUpToBytes;

    private readonly Dictionary<string, string> _downloaded = new(StringComparer.Ordinal);

    /// <summary>Whether inputs are read over HTTP (no local file to stat or copy).</summary>
    public bool IsRemote => _inputUrl is not null;

    /// <summary>
    /// What GDAL opens for <paramref name="relativePath"/>: a file under the mount (which must exist), or the
    /// <c>/vsicurl/</c> URL. A bad or missing path is a non-retryable bad_input naming <paramref name="jsonPath"/>.
    /// </summary>
    public string Resolve(string jsonPath, string relativePath, ToolContext? context = null)
    {
        if (DatasetPaths.Check(relativePath, out var path) is { } reason)
        {
            throw new ToolFailure("bad_input", $"{jsonPath} '{relativePath}': {reason}", retryable: false);
        }

        if (_mountedDir is null)
        {
            var url = _inputUrl + string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
            return (context is null ? null : Download(context, url, path)) ?? "/vsicurl/" + url;
        }

        var full = Path.Combine(_mountedDir, path);
        return File.Exists(full)
            ? full
            : throw new ToolFailure("bad_input", $"{jsonPath} '{path}' is not in dataset '{Dataset}' (looked in {_mountedDir})", retryable: false);
    }

    /// <summary>The input downloaded whole into the work dir (once per path); null to read it in place instead.</summary>
    private string? Download(ToolContext context, string url, string path)
    {
        lock (_downloaded)
        {
            if (_downloaded.TryGetValue(path, out var done))
            {
                return done;
            }
        }

        var target = HttpInputs.Download(context, url, Path.Combine(context.WorkDir, "inputs", path), path, DownloadUpToBytes);
        if (target is not null)
        {
            lock (_downloaded)
            {
                _downloaded[path] = target;
            }
        }

        return target;
    }
}
