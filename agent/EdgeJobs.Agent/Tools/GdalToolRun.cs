using EdgeJobs.Interop.Gdal;

namespace EdgeJobs.Agent.Tools;

/// <summary>Runs a GDAL tool's blocking body off the runner's thread and turns GDAL's failures into job errors.</summary>
internal static class GdalToolRun
{
    public static Task RunAsync(ToolContext context, Action body) =>
        Task.Run(() =>
        {
            try
            {
                body();
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
        }, context.Cancellation);
}
