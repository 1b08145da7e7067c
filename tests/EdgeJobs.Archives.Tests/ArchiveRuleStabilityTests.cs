namespace EdgeJobs.Archives.Tests;

/// <summary>A refusal's rule may reach a job's error and a client's switch: its numbers are frozen.</summary>
public class ArchiveRuleStabilityTests
{
    [Test]
    public async Task rule_numbers_do_not_change()
    {
        var numbers = Enum.GetValues<ArchiveRule>().ToDictionary(r => r.ToString(), r => (int)r);

        await Assert.That(numbers).IsEquivalentTo(new Dictionary<string, int>
        {
            ["Corrupt"] = 1, ["UnsupportedFormat"] = 2, ["UnsupportedEntry"] = 3, ["EscapesDestination"] = 4,
            ["AbsolutePath"] = 5, ["ControlCharacter"] = 6, ["InvalidName"] = 7, ["Link"] = 8, ["SpecialFile"] = 9,
            ["Duplicate"] = 10, ["TooManyEntries"] = 11, ["TooLarge"] = 12, ["RatioTooHigh"] = 13,
            ["SizeMismatch"] = 14, ["Changed"] = 15, ["Conflict"] = 16,
        });
    }
}
