namespace EdgeJobs.Archives;

/// <summary>Why an archive is not extracted: the rule, the entry as named in the archive (null for the whole archive), and a sentence.</summary>
public sealed record ArchiveRefusal(ArchiveRule Rule, string? Entry, string Reason)
{
    public override string ToString() => Entry is null ? Reason : $"entry '{Printable(Entry)}' {Reason}";

    // An entry name is shown to a user: its control characters are what the refusal may be about.
    private static string Printable(string name) =>
        string.Create(name.Length, name, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) ? '?' : s[i];
            }
        });
}
