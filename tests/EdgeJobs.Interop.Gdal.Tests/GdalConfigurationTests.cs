namespace EdgeJobs.Interop.Gdal.Tests;

/// <summary>Process-wide GDAL settings the agent applies: the block cache and sidecar files.</summary>
[NotInParallel("gdal-config")]
public class GdalConfigurationTests
{
    [Test]
    public async Task the_block_cache_is_bounded_by_default_and_follows_the_operators_setting()
    {
        GdalLibrary.EnsureLoaded();
        var expected = Environment.GetEnvironmentVariable("GDAL_CACHEMAX") is { } fromEnvironment ? fromEnvironment : GdalLibrary.DefaultCacheMegabytes.ToString();
        await Assert.That(GdalLibrary.GetConfigOption("GDAL_CACHEMAX")).IsEqualTo(expected);

        GdalLibrary.SetCacheMegabytes(64);
        try
        {
            await Assert.That(GdalLibrary.GetConfigOption("GDAL_CACHEMAX")).IsEqualTo("64");
        }
        finally
        {
            GdalLibrary.SetCacheMegabytes(GdalLibrary.DefaultCacheMegabytes);
        }

        await Assert.That(() => GdalLibrary.SetCacheMegabytes(0)).Throws<ArgumentOutOfRangeException>();
        await Assert.That(GdalLibrary.GetConfigOption("GDAL_PAM_ENABLED")).IsEqualTo("NO");
    }
}
