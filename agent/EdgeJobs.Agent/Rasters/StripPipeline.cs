using EdgeJobs.Interop.Gdal;

namespace EdgeJobs.Agent.Rasters;

/// <summary>
/// Runs a raster job strip by strip (full width, a band of rows) on several threads. Each thread has
/// its own state — GDAL datasets are not thread-safe, so every worker opens its own input handle —
/// and takes the next strip (or block row of strips, <see cref="Plan"/>) when it is done with one, so memory is a few
/// strips whatever the raster's size. Stops within one strip of the token firing.
/// </summary>
internal static class StripPipeline
{
    /// <param name="height">Rows in the raster.</param>
    /// <param name="rowsPerStrip">Rows per strip at most.</param>
    /// <param name="workers">Threads; at most one per strip.</param>
    /// <param name="createWorker">Makes one worker's state (its own datasets and buffers).</param>
    /// <param name="process">Processes rows [y, y + rows) with a worker's state.</param>
    /// <param name="progress">Strips done and strips in all, after each strip (called from the workers, one at a time).</param>
    /// <param name="blockRows">The input's block height (1 for none): see <see cref="Plan"/>.</param>
    public static void Run<TWorker>(int height, int rowsPerStrip, int workers, Func<TWorker> createWorker, Action<TWorker, int, int> process,
        Action<int, int> progress, CancellationToken cancellation, int blockRows = 1)
        where TWorker : IDisposable
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowsPerStrip);
        var (strips, units) = Plan(height, rowsPerStrip, blockRows, workers);
        var next = -1;
        var done = 0;
        var progressGate = new Lock();
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var threads = Math.Clamp(workers, 1, Math.Max(1, units.Count));

        void Work()
        {
            using var worker = createWorker();
            int unit;
            while (!failed.IsCancellationRequested && (unit = Interlocked.Increment(ref next)) < units.Count)
            {
                for (var strip = units[unit].Start.Value; strip < units[unit].End.Value && !failed.IsCancellationRequested; strip++)
                {
                    var (y, rows) = strips[strip];
                    process(worker, y, rows);
                    Interlocked.Increment(ref done);
                    lock (progressGate)
                    {
                        // Read under the lock, not taken from the increment: a worker that increments first may
                        // report last, and the count must never go back (the last report says every strip is done).
                        progress(Volatile.Read(ref done), strips.Count);
                    }
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

    /// <summary>
    /// The strips, and the units a worker takes whole (ranges of strips). A worker's GDAL handle caches the blocks it read,
    /// but another worker's handle does not see them: a block row split among workers was read, decoded and — from
    /// /vsicurl/ — downloaded by each of them (NDVI on an 8000² input tiled 512² fetched 1.7 times its bytes). So strips
    /// keep to the input's block rows: a block row taller than a strip is one unit of several strips, done in turn by one
    /// worker; a strip taller than a block row holds whole block rows. Unless that leaves fewer than four units a worker
    /// (an input of one tall block), when strips are cut as they come.
    /// </summary>
    internal static (List<(int Y, int Rows)> Strips, List<Range> Units) Plan(int height, int rowsPerStrip, int blockRows, int workers)
    {
        var rows = rowsPerStrip;
        var unitRows = rowsPerStrip;
        if (blockRows > rowsPerStrip)
        {
            unitRows = blockRows;
        }
        else if (blockRows > 1)
        {
            rows = unitRows = rowsPerStrip - (rowsPerStrip % blockRows);
        }

        if ((height + unitRows - 1) / unitRows < 4 * Math.Max(1, workers))
        {
            rows = unitRows = rowsPerStrip;
        }

        var strips = new List<(int, int)>();
        var units = new List<Range>();
        for (var top = 0; top < height; top += unitRows)
        {
            var first = strips.Count;
            var bottom = Math.Min(height, top + unitRows);
            for (var y = top; y < bottom; y += rows)
            {
                strips.Add((y, Math.Min(rows, bottom - y)));
            }

            units.Add(first..strips.Count);
        }

        return (strips, units);
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
