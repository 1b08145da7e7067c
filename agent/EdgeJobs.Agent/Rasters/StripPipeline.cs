using EdgeJobs.Interop.Gdal;

namespace EdgeJobs.Agent.Rasters;

/// <summary>
/// Runs a raster job strip by strip (full width, a band of rows) on several threads. Each thread has
/// its own state — GDAL datasets are not thread-safe, so every worker opens its own input handle —
/// and takes the next strip when it is done with one, so memory is a few strips whatever the raster's
/// size. Stops within one strip of the token firing.
/// </summary>
internal static class StripPipeline
{
    /// <param name="height">Rows in the raster.</param>
    /// <param name="rowsPerStrip">Rows per strip; the last one may be shorter.</param>
    /// <param name="workers">Threads; at most one per strip.</param>
    /// <param name="createWorker">Makes one worker's state (its own datasets and buffers).</param>
    /// <param name="process">Processes rows [y, y + rows) with a worker's state.</param>
    /// <param name="progress">Strips done and strips in all, after each strip (called from the workers, one at a time).</param>
    public static void Run<TWorker>(int height, int rowsPerStrip, int workers, Func<TWorker> createWorker, Action<TWorker, int, int> process,
        Action<int, int> progress, CancellationToken cancellation)
        where TWorker : IDisposable
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowsPerStrip);
        var strips = (height + rowsPerStrip - 1) / rowsPerStrip;
        var next = -1;
        var done = 0;
        var progressGate = new Lock();
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var threads = Math.Clamp(workers, 1, Math.Max(1, strips));

        void Work()
        {
            using var worker = createWorker();
            int strip;
            while (!failed.IsCancellationRequested && (strip = Interlocked.Increment(ref next)) < strips)
            {
                var y = strip * rowsPerStrip;
                process(worker, y, Math.Min(rowsPerStrip, height - y));
                Interlocked.Increment(ref done);
                lock (progressGate)
                {
                    // Read under the lock, not taken from the increment: a worker that increments first may
                    // report last, and the count must never go back (the last report says every strip is done).
                    progress(Volatile.Read(ref done), strips);
                }
            }
        }

        var errors = new Exception?[threads];
        var sink = GdalWarnings.Current;
        var pool = new Thread[threads - 1];
        for (var t = 0; t < pool.Length; t++)
        {
            var index = t + 1;
            pool[t] = new Thread(() =>
            {
                // GDAL warnings raised on this worker go to the same job log as the caller's.
                using var warnings = GdalWarnings.RouteTo(sink);
                errors[index] = Capture(Work, failed);
            })
            { IsBackground = true, Name = $"raster-worker-{index}" };
            pool[t].Start();
        }

        errors[0] = Capture(Work, failed);
        foreach (var thread in pool)
        {
            thread.Join();
        }

        cancellation.ThrowIfCancellationRequested();
        if (errors.FirstOrDefault(e => e is not null) is { } error)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }
    }

    /// <summary>Runs one worker; the first failure stops the others at their next strip.</summary>
    private static Exception? Capture(Action work, CancellationTokenSource failed)
    {
        try
        {
            work();
            return null;
        }
        catch (Exception e)
        {
            failed.Cancel();
            return e;
        }
    }
}
