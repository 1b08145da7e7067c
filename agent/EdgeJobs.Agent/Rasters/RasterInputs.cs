using EdgeJobs.Agent.Tools;
using EdgeJobs.Interop.Gdal;

namespace EdgeJobs.Agent.Rasters;

/// <summary>Opening a job's several input rasters, checked the way the tool needs them.</summary>
internal static class RasterInputs
{
    /// <summary>Opens each path (resolved in the data root again); a raster with more than one band fails the job with <paramref name="why"/>.</summary>
    public static List<GdalDataset> OpenSingleBand(ToolContext context, IReadOnlyList<string> paths, string why)
    {
        var opened = new List<GdalDataset>(paths.Count);
        try
        {
            for (var i = 0; i < paths.Count; i++)
            {
                var dataset = GdalDataset.OpenRead(InputFiles.Resolve(context, $"$.params.paths[{i}]", paths[i]));
                opened.Add(dataset);
                if (dataset.BandCount != 1)
                {
                    throw new ToolFailure("bad_params", $"{paths[i]} has {dataset.BandCount} bands; {why}", retryable: false);
                }
            }

            return opened;
        }
        catch
        {
            Dispose(opened);
            throw;
        }
    }

    public static void Dispose(IEnumerable<GdalDataset> datasets)
    {
        foreach (var dataset in datasets)
        {
            dataset.Dispose();
        }
    }
}
