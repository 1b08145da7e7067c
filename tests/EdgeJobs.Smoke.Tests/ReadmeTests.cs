using System.Text.RegularExpressions;

namespace EdgeJobs.Smoke.Tests;

/// <summary>
/// The README as a new user reads it: every code block closes. One that did not (the OpenAPI walk's) turned the rest of
/// the file, six sections, into one long code block on any Markdown page.
/// </summary>
public partial class ReadmeTests
{
    [GeneratedRegex(@"^#{2,} \S")]
    private static partial Regex Heading();

    [Test]
    public async Task every_code_block_closes_before_the_next_section()
    {
        var lines = await File.ReadAllLinesAsync(Path.Combine(Binary.RepoRoot, "README.md"));
        var problems = new List<string>();
        int? opened = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                if (opened is null)
                {
                    opened = i + 1;
                }
                else
                {
                    // A fence with a language where a closing one belongs: the block before it was never closed.
                    if (line.Trim() != "```")
                    {
                        problems.Add($"line {i + 1}: '{line}' opens a block inside the one opened at line {opened}");
                    }

                    opened = null;
                }
            }
            else if (opened is { } start && Heading().IsMatch(line))
            {
                problems.Add($"line {i + 1}: the heading '{line}' is inside the code block opened at line {start}");
            }
        }

        if (opened is { } last)
        {
            problems.Add($"the code block opened at line {last} never closes");
        }

        await Assert.That(problems).IsEmpty().Because(string.Join("\n", problems));
    }
}
