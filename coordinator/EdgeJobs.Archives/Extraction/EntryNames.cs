using EdgeJobs.Protocol.Datasets;

namespace EdgeJobs.Archives.Extraction;

/// <summary>
/// Turns an entry name as stored in an archive into a dataset path under the destination, or says which rule
/// it breaks. The only repairs are the ones every tar writer forces on us: "." segments ("./a/b" from
/// <c>tar -C dir .</c>) and a folder's trailing '/' are dropped. Everything else goes through
/// <see cref="DatasetPaths"/>, so an extracted file has a name an upload could have had.
/// </summary>
internal static class EntryNames
{
    /// <param name="destinationPrefix">"" for the dataset root, or a folder ending in '/'.</param>
    /// <param name="path">The dataset path; "" for a folder entry that names the destination itself ("./").</param>
    public static ArchiveRefusal? Check(string name, bool isFolder, string destinationPrefix, out string path)
    {
        path = "";
        foreach (var c in name)
        {
            if (char.IsControl(c))
            {
                return new(ArchiveRule.ControlCharacter, name, "has NUL or another control character in its name");
            }
        }

        if (name.Length == 0)
        {
            return new(ArchiveRule.InvalidName, name, "has an empty name");
        }

        if (name[0] is '/' or '\\' || (name.Length >= 2 && name[1] == ':' && char.IsAsciiLetter(name[0])))
        {
            return new(ArchiveRule.AbsolutePath, name, "is an absolute path");
        }

        // Resolve ".." against both separators first: "a\..\..\b" escapes on the Windows machine a user may
        // extract the downloaded dataset on, even though DatasetPaths would refuse the backslash anyway.
        var depth = 0;
        foreach (var segment in name.Split('/', '\\'))
        {
            if (segment == "..")
            {
                if (--depth < 0)
                {
                    return new(ArchiveRule.EscapesDestination, name, "resolves outside the destination");
                }
            }
            else if (segment is not ("" or "."))
            {
                depth++;
            }
        }

        var relative = Normalize(name);
        if (relative.Length == 0)
        {
            if (isFolder)
            {
                return null;
            }

            return new(ArchiveRule.InvalidName, name, "has no file name");
        }

        var error = DatasetPaths.Check(destinationPrefix + relative, out path);
        return error is null ? null : new(ArchiveRule.InvalidName, name, error);
    }

    /// <summary>Drops "." segments and one trailing '/'; leaves "//" and ".." for DatasetPaths to refuse.</summary>
    private static string Normalize(string name)
    {
        if (name.EndsWith('/'))
        {
            name = name[..^1];
        }

        if (!name.StartsWith("./", StringComparison.Ordinal) && !name.Contains("/./", StringComparison.Ordinal)
            && !name.EndsWith("/.", StringComparison.Ordinal) && name != ".")
        {
            return name;
        }

        return string.Join('/', name.Split('/').Where(s => s != "."));
    }
}
