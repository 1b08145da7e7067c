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
    /// Inputs read over HTTP up to this size are first downloaded whole into the job's work dir (one streamed GET) and
    /// read from there; larger ones, or when the disk is short, are read in place through <c>/vsicurl/</c> (Range
    /// requests). Every built-in tool reads its rasters whole, and GDAL 3.6's <c>/vsicurl/</c> fetches them block by
    /// block: NDVI on an 8000² input took 2.2-2.3x the time of a mounted dataset that way, while a whole GET of its
    /// 537 MB took 0.5-0.6 s on loopback.
    /// </summary>
    public long DownloadUpToBytes { get; init; } = AgentOptions.DefaultDownloadInputsUpToBytes;

    private static readonly HttpClient s_http = new() { Timeout = Timeout.InfiniteTimeSpan };
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

        using (var head = s_http.Send(new HttpRequestMessage(HttpMethod.Head, url), context.Cancellation))
        {
            var dir = Path.Combine(context.WorkDir, "inputs");
            if (!head.IsSuccessStatusCode || head.Content.Headers.ContentLength is not { } size || size > DownloadUpToBytes
                || new DriveInfo(context.WorkDir).AvailableFreeSpace < size + (1L << 30))
            {
                return null; // /vsicurl/ reads it in place, and reports what is wrong with it if anything is
            }

            var target = Path.Combine(dir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            context.ReportProgress(0, "downloading input");
            using var response = s_http.Send(new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseHeadersRead, context.Cancellation);
            if (!response.IsSuccessStatusCode)
            {
                throw new ToolFailure("input_unavailable", $"'{path}' could not be read from the coordinator: {(int)response.StatusCode}", retryable: true);
            }

            using (var source = response.Content.ReadAsStream(context.Cancellation))
            using (var file = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 0))
            {
                var buffer = new byte[1 << 20];
                int read;
                while ((read = source.Read(buffer)) > 0)
                {
                    context.Cancellation.ThrowIfCancellationRequested();
                    file.Write(buffer.AsSpan(0, read));
                }

                if (file.Length != size)
                {
                    throw new ToolFailure("input_unavailable", $"'{path}' arrived with {file.Length} of its {size} bytes", retryable: true);
                }
            }

            context.Log($"downloaded {path} ({size} bytes) from the coordinator to read it here");
            lock (_downloaded)
            {
                _downloaded[path] = target;
            }

            return target;
        }
    }
}
