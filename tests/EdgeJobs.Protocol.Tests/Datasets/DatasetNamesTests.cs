using EdgeJobs.Protocol.Datasets;

namespace EdgeJobs.Protocol.Tests.Datasets;

/// <summary><c>org/name</c> as every door reads it: two valid names, or a bare name in the caller's org when there is one.</summary>
public class DatasetNamesTests
{
    [Test]
    [Arguments("acme/survey", null, true, "acme", "survey")]
    [Arguments("survey", "acme", true, "acme", "survey")]
    [Arguments("other/survey", "acme", true, "other", "survey")]
    [Arguments("survey", null, false, "", "")]
    [Arguments("acme/", null, false, "acme", "")]
    [Arguments("/survey", "acme", false, "", "survey")]
    [Arguments("acme/sur/vey", null, false, "acme", "sur/vey")]
    [Arguments("Acme/survey", null, false, "Acme", "survey")]
    [Arguments("acme/../x", null, false, "acme", "../x")]
    [Arguments(null, "acme", false, "", "")]
    public async Task org_and_name_split_only_when_both_are_valid(string? text, string? defaultOrg, bool valid, string org, string name)
    {
        var ok = DatasetNames.TrySplit(text, defaultOrg, out var splitOrg, out var splitName);

        await Assert.That(ok).IsEqualTo(valid);
        await Assert.That(splitOrg).IsEqualTo(org);
        await Assert.That(splitName).IsEqualTo(name);
    }
}
