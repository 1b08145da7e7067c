namespace EdgeJobs.Agent.Tools;

/// <summary>
/// Inputs read from the coordinator over HTTP (dataset entries, earlier recipe steps' artifacts): downloaded whole into
/// the job's work dir when small enough and the disk has room, else read in place through GDAL's <c>/vsicurl/</c>.
/// Every built-in tool reads its rasters whole, and GDAL 3.6's <c>/vsicurl/</c> fetches them block by block: NDVI on an
/// 8000² input took 2.2-2.3x the time of a mounted dataset that way, while a whole GET of its 537 MB took 0.5-0.6 s on
/// loopback. Since raster-export's workers each read whole block rows (Rasters/StripPipeline), NDVI in place took
/// 1.32-1.39x, fetched whole 1.48-1.69x on the same VM: for that tool the two are close, for GDAL's own utilities
/// (build, reproject) it was not measured again.
/// </summary>
internal static class HttpInputs
{
    private static readonly HttpClient s_http = new() { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>
    /// Downloads <paramref name="url"/> to <paramref name="target"/> (one streamed GET) and returns it; null to read it in
    /// place instead (larger than <paramref name="upToBytes"/>, the disk short, or the HEAD refused: /vsicurl/ then says why).
    /// </summary>
    /// <param name="name">What the input is called in the job's log.</param>
    public static string? Download(ToolContext context, string url, string target, string name, long upToBytes)
    {
        using (var head = s_http.Send(new HttpRequestMessage(HttpMethod.Head, url), context.Cancellation))
        {
            if (!head.IsSuccessStatusCode || head.Content.Headers.ContentLength is not { } size || size > upToBytes
                || new DriveInfo(context.WorkDir).AvailableFreeSpace < size + (1L << 30))
            {
                return null;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            context.ReportProgress(0, "downloading input");
            using var response = s_http.Send(new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseHeadersRead, context.Cancellation);
            if (!response.IsSuccessStatusCode)
            {
                throw new ToolFailure("input_unavailable", $"'{name}' could not be read from the coordinator: {(int)response.StatusCode}", retryable: true);
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
                    throw new ToolFailure("input_unavailable", $"'{name}' arrived with {file.Length} of its {size} bytes", retryable: true);
                }
            }

            context.Log($"downloaded {name} ({size} bytes) from the coordinator to read it here");
            return target;
        }
    }
}
