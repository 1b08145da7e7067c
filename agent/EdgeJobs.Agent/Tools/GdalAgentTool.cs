using EdgeJobs.Catalog.Tools;
using EdgeJobs.Interop.Gdal;

namespace EdgeJobs.Agent.Tools;

/// <summary>
/// A tool that runs GDAL: its id, version and params are its catalog descriptor's, and its blocking body
/// runs off the runner's thread with GDAL's failures turned into job errors.
/// </summary>
public abstract class GdalAgentTool<TParams>(TypedToolDescriptor<TParams> descriptor) : IAgentTool
    where TParams : class
{
    public string Id => descriptor.Id;

    public string Version => descriptor.Version;

    /// <summary>GDAL warnings logged per job; past it they are counted, so a warning per pixel cannot flood the log.</summary>
    internal const int MaxLoggedWarnings = 50;

    /// <summary>
    /// Runs the tool on a thread of its own, not the thread pool's: a GDAL call blocks for the whole run,
    /// and a pool thread held per slot would leave the link's continuations (heartbeats, a pushed stop)
    /// waiting for the pool to grow.
    /// </summary>
    public Task RunAsync(ToolContext context) =>
        Task.Factory.StartNew(() =>
        {
            var warnings = 0;
            void Warn(string message)
            {
                if (Interlocked.Increment(ref warnings) <= MaxLoggedWarnings)
                {
                    context.Log("warning: GDAL: " + message);
                }
            }

            try
            {
                using (GdalWarnings.RouteTo(Warn))
                {
                    Run(context, descriptor.Read(context.ParamsJson));
                }
            }
            catch (GdalUnavailableException e)
            {
                // Another agent may have GDAL: retryable, with the reason in the job's error.
                throw new ToolFailure("gdal_unavailable", e.Message, retryable: true);
            }
            catch (GdalException e)
            {
                throw new ToolFailure("gdal_error", e.Message, retryable: false);
            }
            finally
            {
                if (Volatile.Read(ref warnings) > MaxLoggedWarnings)
                {
                    context.Log($"warning: GDAL: {warnings - MaxLoggedWarnings} more warnings not logged");
                }
            }
        }, context.Cancellation, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>The tool's work, blocking; honours <see cref="ToolContext.Cancellation"/> through GDAL's progress callback.</summary>
    protected abstract void Run(ToolContext context, TParams p);
}
