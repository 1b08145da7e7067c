namespace EdgeJobs.Testing;

/// <summary>The real rasters <c>scripts/fetch-samples</c> puts in <c>samples/</c> (Landsat 7 scene, DEMs, NetCDF).</summary>
public static class Samples
{
    /// <summary>The full path of a sample, e.g. <c>L7_ETMs.tif</c> or <c>nc/reduced.nc</c>.</summary>
    public static string Path(string name)
    {
        var root = Environment.GetEnvironmentVariable("EDGEJOBS_SAMPLES") ?? System.IO.Path.Combine(RepoRoot(), "samples");
        var path = System.IO.Path.Combine(root, name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"sample {name} is missing from {root}: run scripts/fetch-samples", path);
    }

    /// <summary>Copies a sample into a data root under <paramref name="relativePath"/>.</summary>
    public static void CopyTo(string name, string dataRoot, string relativePath)
    {
        var target = System.IO.Path.Combine(dataRoot, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        File.Copy(Path(name), target, overwrite: true);
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "EdgeJobs.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no EdgeJobs.sln above {AppContext.BaseDirectory}; set EDGEJOBS_SAMPLES");
    }
}
