namespace EdgeJobs.Protocol.Datasets;

/// <summary>
/// Dataset names follow the org names' rules (<see cref="Jobs.Orgs.IsValid"/>): both are URL segments and
/// directory names under <c>DATA_DIR/datasets/</c>, so neither may hold a separator, a dot segment or a
/// character a shell or a URL would need to escape.
/// </summary>
public static class DatasetNames
{
    public static bool IsValid(string? name) => Jobs.Orgs.IsValid(name);

    /// <summary>
    /// Splits <c>org/name</c>, or a bare <c>name</c> when <paramref name="defaultOrg"/> is given (the caller's org);
    /// false unless both parts are valid names and there is nothing else.
    /// </summary>
    public static bool TrySplit(string? text, string? defaultOrg, out string org, out string name)
    {
        var slash = text?.IndexOf('/') ?? -1;
        (org, name) = text is null ? ("", "")
            : slash < 0 ? (defaultOrg ?? "", defaultOrg is null ? "" : text)
            : (text[..slash], text[(slash + 1)..]);
        return Jobs.Orgs.IsValid(org) && IsValid(name);
    }

    /// <summary>Why a name is refused, for a 400 that names the parameter.</summary>
    public const string Rule = "must be 1-63 of a-z, 0-9 and '-', not starting with '-'";
}
