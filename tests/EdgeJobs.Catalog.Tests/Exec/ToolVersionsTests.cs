using EdgeJobs.Catalog.Tools;

namespace EdgeJobs.Catalog.Tests.Exec;

/// <summary>Which of an exec tool's versions is the later: the one new submits get when they name none.</summary>
public class ToolVersionsTests
{
    [Test]
    [Arguments("1.10", "1.9")]
    [Arguments("2", "1.99.99")]
    [Arguments("1.0.1", "1.0")]
    [Arguments("2.0", "2.0-rc1")]
    [Arguments("2.0-rc2", "2.0-rc1")]
    [Arguments("1.0-rc.10", "1.0-rc.9")]
    [Arguments("1.b", "1.a")]
    [Arguments("20261207", "20261130")]
    public async Task the_first_is_later(string later, string earlier)
    {
        await Assert.That(ToolVersions.IsLater(later, earlier)).IsTrue();
        await Assert.That(ToolVersions.IsLater(earlier, later)).IsFalse();
    }

    [Test]
    [Arguments("1.0", "1.0")]
    [Arguments("1.0+build.5", "1.0+build.7")]
    public async Task equal_versions_are_neither(string a, string b)
    {
        await Assert.That(ToolVersions.Compare(a, b)).IsEqualTo(0);
    }
}
