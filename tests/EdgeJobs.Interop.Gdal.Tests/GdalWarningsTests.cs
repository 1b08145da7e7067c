namespace EdgeJobs.Interop.Gdal.Tests;

/// <summary>GDAL's warnings reach the sink of the thread that raised them, and only that one.</summary>
[Category("gdal")]
public class GdalWarningsTests
{
    [Test]
    public async Task a_warning_reaches_the_sink_of_the_thread_that_ran_gdal_and_no_other()
    {
        var dir = Path.Combine(Path.GetTempPath(), "edgejobs-gdal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var mine = new List<string>();
            var other = new List<string>();
            using var otherThreadsRoute = new ManualResetEventSlim();
            var elsewhere = new Thread(() =>
            {
                using var _ = GdalWarnings.RouteTo(other.Add);
                otherThreadsRoute.Wait();
            });
            elsewhere.Start();

            using (GdalWarnings.RouteTo(mine.Add))
            {
                // GTiff has no such creation option: GDAL warns (CE_Warning) and creates the file anyway.
                using var dataset = GdalDataset.Create("GTiff", Path.Combine(dir, "a.tif"), 4, 4, 1, GdalDataType.Byte, ["NOT_A_GTIFF_OPTION=1"]);
            }

            otherThreadsRoute.Set();
            elsewhere.Join();

            await Assert.That(mine.Any(m => m.Contains("NOT_A_GTIFF_OPTION"))).IsTrue().Because(string.Join(" | ", mine));
            await Assert.That(other).IsEmpty();
            await Assert.That(GdalWarnings.Current).IsNull();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
